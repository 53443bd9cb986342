import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadSharp } from './load-sharp.js';

export const THUMBNAIL_SIZES = [256, 1024, 1920] as const;
export type ThumbnailSize = (typeof THUMBNAIL_SIZES)[number];

/**
 * WebP thumbnails, made once and kept under `<dataDir>/thumbnails/<size>/` (not backed up: they
 * can always be made again). Concurrent requests for the same one share a single render.
 */
export class Thumbnails {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly root: string;

  constructor(
    dataDir: string,
    private readonly maxPixels: number,
  ) {
    this.root = join(dataDir, 'thumbnails');
  }

  async get(sourcePath: string, id: string, size: ThumbnailSize): Promise<string> {
    const target = join(this.root, String(size), id.slice(0, 2), `${id}.webp`);
    if (
      await stat(target).then(
        () => true,
        () => false,
      )
    )
      return target;
    let render = this.inFlight.get(target);
    if (!render) {
      render = this.render(sourcePath, target, size).finally(() => this.inFlight.delete(target));
      this.inFlight.set(target, render);
    }
    return render;
  }

  private async render(sourcePath: string, target: string, size: ThumbnailSize): Promise<string> {
    await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
    const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    const sharp = await loadSharp();
    await sharp(sourcePath, { limitInputPixels: this.maxPixels, animated: false })
      .rotate()
      .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(temp);
    await rename(temp, target);
    return target;
  }
}
