import type Sharp from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp (libvips, some 25 MB once loaded) is imported with the first picture a job touches, not
 * when the agent starts. Its operation cache is off: a job reads each input once, and a cache
 * would only keep memory the family's games could use.
 */
export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    return sharp;
  });
  return loading;
}
