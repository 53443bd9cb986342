import { fileTypeFromFile } from 'file-type';

/** What people may upload to the gallery. */
export const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
/** What agents may hand back as job artifacts: pictures, short videos, spoken audio, comic PDFs and CBZs (zip). */
export const ARTIFACT_TYPES = [...UPLOAD_TYPES, 'video/mp4', 'video/webm', 'audio/wav', 'application/pdf', 'application/zip'] as const;

/** The content type a file's bytes say it has (never the name or the client's claim). */
export async function sniffType(path: string): Promise<string | undefined> {
  return (await fileTypeFromFile(path))?.mime;
}

export const isImage = (type: string) => type.startsWith('image/');
