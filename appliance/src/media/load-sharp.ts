import type Sharp from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp (libvips, ~30 MB once loaded) is imported with the first upload or thumbnail, not at
 * start. Its operation cache is off: thumbnails are made once and kept on disk, so a cache of
 * decoded uploads would only hold the Pi's memory.
 */
export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    return sharp;
  });
  return loading;
}
