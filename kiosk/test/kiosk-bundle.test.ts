import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const DIST = new URL('../dist/', import.meta.url);

describe('the kiosk bundle (built by the global setup)', () => {
  it('loads at most 25 KB of gzipped JavaScript, all of it from its own files (the strict CSP allows no inline script)', () => {
    const html = readFileSync(new URL('index.html', DIST), 'utf8');
    const scripts = [...html.matchAll(/<script[^>]*src="\/kiosk\/([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const gz = scripts.reduce((sum, s) => sum + gzipSync(readFileSync(new URL(s, DIST))).length, 0);
    console.log(`kiosk JS: ${(gz / 1024).toFixed(1)} KB gzip`);
    expect(gz).toBeLessThanOrEqual(25 * 1024);
  });
});
