import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { mediaIdOf, recordingContext, testPhoto } from '../test-support.js';
import { ComicLookRunner } from './comic-look-runner.js';

describe('image.comic-look', () => {
  it('flattens a photo to few colours and inks its edges', async () => {
    const photo = await testPhoto(640, 480, 30);
    const { ctx, uploads } = recordingContext([photo]);
    const result = await new ComicLookRunner().run({ id: 'l1', type: 'image.comic-look', input: { mediaId: mediaIdOf(photo), colours: 4, lines: 0.8 } }, ctx);
    expect(result.artifacts).toEqual(['comic-look.png']);
    const { data, info } = await sharp(uploads[0]!.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([640, 480]);
    const colours = new Set<number>();
    let dark = 0;
    for (let p = 0; p < data.length; p += info.channels) {
      colours.add((data[p]! << 16) | (data[p + 1]! << 8) | data[p + 2]!);
      if (data[p]! + data[p + 1]! + data[p + 2]! < 90) dark++;
    }
    // Four palette colours, each also in its inked shade.
    expect(colours.size).toBeLessThanOrEqual(8);
    const before = await sharp(photo).raw().toBuffer();
    const original = new Set<number>();
    for (let p = 0; p < before.length; p += 3) original.add((before[p]! << 16) | (before[p + 1]! << 8) | before[p + 2]!);
    expect(original.size).toBeGreaterThan(100);
    // The ink lines: edges of the sun, hill and fence, a few per cent of the picture, not all of it.
    expect(dark / (info.width * info.height)).toBeGreaterThan(0.005);
    expect(dark / (info.width * info.height)).toBeLessThan(0.2);
  });
});
