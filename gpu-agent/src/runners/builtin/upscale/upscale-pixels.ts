import { planTiles } from './tiles.js';

/** Interleaved 8-bit RGB. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Runs the network on one window: RGB floats 0–255 in, RGB bytes `scale` times larger out. */
export type UpscaleWindow = (pixels: Float32Array, width: number, height: number) => Promise<Uint8Array>;

export interface UpscaleOptions {
  scale: number;
  /** Largest window fed to the network (ESRGAN-slim was trained on 128-px patches). */
  tileSize: number;
  /** Context around each tile; must cover the network's receptive radius (~10 px for ESRGAN-slim). */
  pad: number;
  signal: AbortSignal;
  onTile?(done: number, total: number): void;
}

/**
 * Runs a super-resolution network tile by tile. The network itself runs elsewhere (the
 * TensorFlow.js worker); here only windows are cut out and results stitched together.
 */
export async function upscalePixels(
  upscaleWindow: UpscaleWindow,
  image: RgbImage,
  { scale, tileSize, pad, signal, onTile }: UpscaleOptions,
): Promise<RgbImage> {
  const outWidth = image.width * scale;
  const out = new Uint8Array(outWidth * image.height * scale * 3);
  const tiles = planTiles(image.width, image.height, tileSize, pad);
  for (const [i, { core, window }] of tiles.entries()) {
    signal.throwIfAborted();
    const input = new Float32Array(window.width * window.height * 3);
    for (let row = 0; row < window.height; row++) {
      const from = ((window.y + row) * image.width + window.x) * 3;
      input.set(image.data.subarray(from, from + window.width * 3), row * window.width * 3);
    }
    const pixels = await upscaleWindow(input, window.width, window.height);
    signal.throwIfAborted();
    const resultWidth = window.width * scale;
    const offsetX = (core.x - window.x) * scale;
    const offsetY = (core.y - window.y) * scale;
    for (let row = 0; row < core.height * scale; row++) {
      const from = ((offsetY + row) * resultWidth + offsetX) * 3;
      const to = ((core.y * scale + row) * outWidth + core.x * scale) * 3;
      out.set(pixels.subarray(from, from + core.width * scale * 3), to);
    }
    onTile?.(i + 1, tiles.length);
  }
  return { data: out, width: outWidth, height: image.height * scale };
}
