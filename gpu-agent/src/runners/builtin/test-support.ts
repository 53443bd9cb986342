import type { JobProgress } from '@hearth/protocol';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Artifact, RunContext } from '../runner.js';

/** A small synthetic "photo": gradients and shapes, so models see structure, not noise. */
export function testPhoto(width: number, height: number, hue = 0): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs>
      <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="hsl(${200 + hue},70%,70%)"/><stop offset="1" stop-color="hsl(${40 + hue},80%,85%)"/>
      </linearGradient>
      <radialGradient id="sun"><stop offset="0" stop-color="#fff7c0"/><stop offset="1" stop-color="#f0a020"/></radialGradient>
    </defs>
    <rect width="100%" height="100%" fill="url(#sky)"/>
    <circle cx="${width * 0.7}" cy="${height * 0.3}" r="${Math.min(width, height) * 0.18}" fill="url(#sun)"/>
    <polygon points="0,${height} ${width * 0.35},${height * 0.45} ${width * 0.7},${height}" fill="hsl(${120 + hue},40%,30%)"/>
    <rect x="${width * 0.1}" y="${height * 0.75}" width="${width * 0.8}" height="${height * 0.08}" fill="#553322"/>
  </svg>`;
  return sharp(Buffer.from(svg)).removeAlpha().png().toBuffer();
}

export const mediaIdOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A RunContext over an in-memory media store that records what a runner reports and uploads. */
export function recordingContext(media: Buffer[], signal = new AbortController().signal) {
  const byId = new Map(media.map((b) => [mediaIdOf(b), b]));
  const progress: JobProgress[] = [];
  const uploads: Artifact[] = [];
  const ctx: RunContext = {
    signal,
    progress: (p) => progress.push(p),
    async fetchMedia(id) {
      const bytes = byId.get(id);
      if (!bytes) throw new Error(`no media ${id}`);
      return { bytes, contentType: 'image/png' };
    },
    async upload(artifact) {
      uploads.push(artifact);
    },
  };
  return { ctx, progress, uploads };
}

/** Pearson correlation of two equally long pixel arrays. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sa = 0,
    sb = 0;
  for (let i = 0; i < a.length; i++) {
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / a.length,
    mb = sb / b.length;
  let cov = 0,
    va = 0,
    vb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma,
      db = b[i]! - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return cov / Math.sqrt(va * vb);
}
