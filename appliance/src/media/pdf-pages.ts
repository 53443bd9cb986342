import { open } from 'node:fs/promises';

const MAX_BYTES = 32 * 1024 * 1024;

/**
 * Pages in a PDF, counted from its page objects (`/Type /Page`, not `/Pages`). Enough for the
 * uncompressed object tables our comic renderer writes; a PDF that hides them in object
 * streams, or one over 32 MB, gives null (the viewer still shows it).
 */
export async function pdfPages(path: string): Promise<number | null> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size > MAX_BYTES) return null;
    const buf = Buffer.alloc(size);
    await file.read(buf, 0, size, 0);
    const n = buf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
    return n > 0 ? n : null;
  } finally {
    await file.close();
  }
}
