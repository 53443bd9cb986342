import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaIdOf, recordingContext, testPhoto } from '../test-support.js';
import { TfjsRuntime } from '../tfjs/runtime.js';
import { ModerateRunner } from './moderate-runner.js';
import { moderateImage, NSFW_CLASSES, NsfwModerator, UNSAFE_THRESHOLD, verdictFor, type Moderation } from './nsfw-moderator.js';

const moderator = new NsfwModerator(new TfjsRuntime('wasm'));
const runner = new ModerateRunner(moderator);

beforeAll(async () => {
  // Loads the bundled model once for the file (and proves it loads without a network).
  await moderator.moderate(await testPhoto(64, 64));
});
afterAll(() => runner.close());

const sum = (m: Moderation) => Object.values(m.probabilities).reduce((a, b) => a + b, 0);

describe('image.moderate', () => {
  it('classifies a landscape as safe with probabilities over all five classes summing to 1', async () => {
    const photo = await testPhoto(96, 72);
    const { ctx, uploads, progress } = recordingContext([photo]);
    const result = await runner.run({ id: 'm1', type: 'image.moderate', input: { mediaId: mediaIdOf(photo) } }, ctx);

    const moderation = result.data as Moderation;
    expect(result.artifacts).toEqual([]);
    expect(uploads).toEqual([]);
    expect(Object.keys(moderation.probabilities).sort()).toEqual([...NSFW_CLASSES]);
    expect(sum(moderation)).toBeCloseTo(1, 3);
    expect(moderation.verdict).toBe('safe');
    expect(moderation.unsafeScore).toBeLessThan(UNSAFE_THRESHOLD);
    expect(progress.at(-1)).toEqual({ fraction: 1, stage: 'done' });
  });

  it('gives different probabilities for different pictures, and reads greyscale and transparent files', async () => {
    const grey = await sharp(await testPhoto(80, 80, 90))
      .greyscale()
      .png()
      .toBuffer();
    const clear = await sharp(await testPhoto(64, 48))
      .ensureAlpha(0.2)
      .png()
      .toBuffer();
    const [a, b] = [await moderator.moderate(grey), await moderator.moderate(clear)];
    expect(sum(a)).toBeCloseTo(1, 3);
    expect(sum(b)).toBeCloseTo(1, 3);
    expect(a.probabilities).not.toEqual(b.probabilities);
  });

  it('works as a plain function for other code, with or without a long-lived moderator', async () => {
    const photo = await testPhoto(72, 72);
    const shared = await moderateImage(photo, moderator);
    const oneOff = await moderateImage(photo);
    expect(oneOff.verdict).toBe(shared.verdict);
    for (const c of NSFW_CLASSES) expect(oneOff.probabilities[c]).toBeCloseTo(shared.probabilities[c], 4);
  });

  it('calls a picture unsafe once the unsafe classes reach the threshold', () => {
    const base = { Drawing: 0, Hentai: 0, Neutral: 0, Porn: 0, Sexy: 0 };
    expect(verdictFor({ ...base, Neutral: 0.6, Sexy: 0.4 }).verdict).toBe('safe');
    expect(verdictFor({ ...base, Neutral: 0.5, Sexy: 0.3, Porn: 0.2 })).toMatchObject({ verdict: 'unsafe', unsafeScore: 0.5 });
    expect(verdictFor({ ...base, Drawing: 0.45, Hentai: 0.55 }).verdict).toBe('unsafe');
  });

  it('rejects bytes that are not a picture', async () => {
    await expect(moderator.moderate(Buffer.from('nope'))).rejects.toThrow(/not a picture Hearth can read/);
  });
});
