import { randomBytes } from 'node:crypto';
import type { Metadata } from 'sharp';
import type { MediaModeration, MediaPrivacy, MediaView, Principal } from '@hearth/protocol';
import type { DomainBus } from '../bus/domain-bus.js';
import { HttpError } from '../http/errors.js';
import { MediaFiles, type StagedFile } from './media-files.js';
import { MediaRepo, toMediaView, type MediaRow } from './media-repo.js';
import { loadSharp } from './load-sharp.js';
import { isImage, sniffType, UPLOAD_TYPES } from './sniff.js';
import { Thumbnails } from './thumbnails.js';

export interface MediaLimits {
  uploadBytes: number;
  maxPixels: number;
}

export const DEFAULT_MEDIA_LIMITS: MediaLimits = { uploadBytes: 25 * 1024 * 1024, maxPixels: 40_000_000 };

/** The gallery: stored files, their rows, who sees them; changes go out as `media.*` domain events. */
export class MediaService {
  readonly thumbnails: Thumbnails;

  constructor(
    readonly repo: MediaRepo,
    readonly files: MediaFiles,
    private readonly bus: DomainBus,
    readonly limits: MediaLimits,
    dataDir: string,
  ) {
    this.thumbnails = new Thumbnails(dataDir, limits.maxPixels);
  }

  get(id: string): MediaRow | undefined {
    return this.repo.get(id);
  }

  /** Width and height of an image file; 413 past the pixel limit, 415 when it does not decode. */
  async imageSize(path: string): Promise<{ width: number | null; height: number | null }> {
    let meta: Metadata;
    const sharp = await loadSharp();
    try {
      // Only the header is read here; the pixel limit is checked below with a clear message.
      meta = await sharp(path, { limitInputPixels: false }).metadata();
    } catch {
      throw new HttpError(415, 'The picture could not be read; it may be damaged');
    }
    const width = meta.width ?? null;
    const height = meta.pageHeight ?? meta.height ?? null;
    if (width && height && width * height > this.limits.maxPixels) {
      throw new HttpError(413, `The picture is ${width}×${height} pixels; at most ${Math.round(this.limits.maxPixels / 1e6)} megapixels are accepted`);
    }
    return { width, height };
  }

  /**
   * Store a person's upload: the bytes decide the type (JPEG, PNG, WebP or GIF only). New items
   * start `pending` and are handed to moderation. The same picture uploaded again by its owner
   * returns their existing item; anyone else gets an item of their own (sharing the file on disk),
   * so an upload never tells who else has the picture.
   */
  async addUpload(
    owner: Extract<Principal, { kind: 'user' }>,
    staged: StagedFile,
    privacy: MediaPrivacy | undefined,
  ): Promise<{ view: MediaView; created: boolean }> {
    try {
      const type = await sniffType(staged.tempPath);
      if (!type || !(UPLOAD_TYPES as readonly string[]).includes(type)) {
        throw new HttpError(415, `Only JPEG, PNG, WebP and GIF pictures can be uploaded${type ? ` (this file is ${type})` : ''}`);
      }
      const size = await this.imageSize(staged.tempPath);
      const mine = this.repo.ownedWithFile(staged.sha256, owner.id);
      if (mine) return { view: toMediaView(mine), created: false };
      await this.files.commit(staged);
      const row: MediaRow = {
        id: this.newItemId(staged.sha256),
        file: staged.sha256,
        owner_id: owner.id,
        owner_name: owner.name,
        content_type: type,
        ...size,
        bytes: staged.bytes,
        privacy: privacy ?? (owner.role === 'child' ? 'family' : 'private'),
        moderation: 'pending',
        job_id: null,
        created_at: Date.now(),
      };
      if (!this.repo.insert(row)) return { view: toMediaView(this.repo.get(row.id)!), created: false };
      this.added(row);
      return { view: toMediaView(row), created: true };
    } finally {
      await this.files.discard(staged);
    }
  }

  setModeration(id: string, verdict: MediaModeration): void {
    const before = this.repo.get(id);
    if (!before || !this.repo.setModeration(id, verdict)) return;
    this.bus.emit('media.changed', { media: this.repo.get(id)!, before });
  }

  setPrivacy(row: MediaRow, privacy: MediaPrivacy): MediaRow {
    const before = { ...row };
    this.repo.setPrivacy(row.id, privacy);
    const after = this.repo.get(row.id)!;
    this.bus.emit('media.changed', { media: after, before });
    return after;
  }

  /** The file's own hash for its first item, a random id for each further one (unguessable, unlinkable). */
  newItemId(file: string): string {
    return this.repo.get(file) ? randomBytes(32).toString('hex') : file;
  }

  async delete(row: MediaRow): Promise<void> {
    this.repo.delete(row.id);
    // The bytes stay while another item (someone else's copy) or a pending artifact uses them.
    if (!this.repo.fileUsed(row.file)) await this.files.remove(row.file);
    this.bus.emit('media.deleted', { media: row });
  }

  /** A new item is in the gallery (`pending` ones are moderated by the jobs capability, which subscribes). */
  added(row: MediaRow): void {
    this.bus.emit('media.added', { media: row });
  }

  canThumbnail(row: MediaRow): boolean {
    return isImage(row.content_type);
  }
}
