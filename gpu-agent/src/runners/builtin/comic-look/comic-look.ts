import sharp from 'sharp';

/** Largest side of the result: plenty for an A4 panel, quick on a Pi-class CPU. */
export const COMIC_LOOK_MAX_SIDE = 1600;

/**
 * A photo made to look drawn: flat areas of few colours (median smoothing, then a palette of
 * `colours` picked by libimagequant without dithering) under dark ink lines where the
 * brightness changes sharply (Sobel on the smoothed grey image, thresholded).
 * `lines` (0–1) sets how dark and how many lines.
 */
export async function comicLook(bytes: Buffer, o: { colours: 4 | 16; lines: number }): Promise<Buffer> {
  const base = sharp(bytes).rotate().resize(COMIC_LOOK_MAX_SIDE, COMIC_LOOK_MAX_SIDE, { fit: 'inside', withoutEnlargement: true }).removeAlpha();
  const smooth = await base.median(5).png().toBuffer();
  const flat = await sharp(await sharp(smooth).png({ palette: true, colours: o.colours, dither: 0, effort: 4 }).toBuffer())
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const grey = sharp(smooth).greyscale().blur(1.2);
  // Sobel across and down; the offset keeps negative responses (sharp clamps to 0–255).
  const sobel = (kernel: number[]) => grey.clone().convolve({ width: 3, height: 3, kernel, scale: 4, offset: 128 }).raw().toBuffer();
  const [gx, gy] = await Promise.all([sobel([-1, 0, 1, -2, 0, 2, -1, 0, 1]), sobel([-1, -2, -1, 0, 0, 0, 1, 2, 1])]);
  const { data, info } = flat;
  // More lines, and darker, as `lines` grows.
  const threshold = 26 - 18 * o.lines;
  const ink = 0.45 + 0.55 * o.lines;
  for (let i = 0, p = 0; i < gx.length; i++, p += info.channels) {
    if (Math.abs(gx[i]! - 128) + Math.abs(gy[i]! - 128) < threshold) continue;
    for (let c = 0; c < 3; c++) data[p + c] = Math.round(data[p + c]! * (1 - ink));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .png()
    .toBuffer();
}
