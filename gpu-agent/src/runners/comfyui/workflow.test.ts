import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { fillWorkflow, loadTemplate, type ApiWorkflow } from './workflow.js';
import { DEFAULT_WORKFLOWS_DIR } from './runner.js';
import { parseBinaryFrame } from './protocol.js';
import { MAX_PREVIEW_BYTES, PREVIEW_PX, PreviewThrottle } from './preview.js';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

describe('workflow templates', () => {
  it('every shipped template loads and is filled by markers, not ids', async () => {
    const t2i = await loadTemplate(DEFAULT_WORKFLOWS_DIR, 'text-to-image');
    // Renumber the nodes: markers must still find them.
    const renumbered: ApiWorkflow = {};
    const ids = new Map(Object.keys(t2i).map((id, i) => [id, `n${i}`]));
    for (const [id, node] of Object.entries(t2i)) {
      const inputs = Object.fromEntries(Object.entries(node.inputs).map(([k, v]) => [k, Array.isArray(v) ? [ids.get(v[0] as string), v[1]] : v]));
      renumbered[ids.get(id)!] = { ...node, inputs };
    }
    const { prompt, outputNodes } = fillWorkflow(
      renumbered,
      't2i',
      { checkpoint: 'c.safetensors', prompt: 'a cat', negative: 'dogs', seed: 5, steps: 9, size: { width: 640, height: 384 }, output: 'hearth/x' },
      'png',
    );
    const byClass = (c: string) => Object.values(prompt).filter((n) => n.class_type === c);
    expect(byClass('KSampler')[0]!.inputs).toMatchObject({ seed: 5, steps: 9 });
    expect(byClass('EmptyLatentImage')[0]!.inputs).toMatchObject({ width: 640, height: 384 });
    expect(byClass('CLIPTextEncode').map((n) => n.inputs.text)).toEqual(['a cat', expect.stringMatching(/^nsfw, .*, dogs$/)]);
    expect(outputNodes).toEqual([ids.get('9')]);
    expect(t2i['6']!.inputs.text).toBe(''); // the template itself is untouched

    for (const name of ['image-to-image', 'text-to-video']) await expect(loadTemplate(DEFAULT_WORKFLOWS_DIR, name)).resolves.toBeTruthy();
  });

  it('keeps only the output node of the requested format', async () => {
    const video = await loadTemplate(DEFAULT_WORKFLOWS_DIR, 'text-to-video');
    const { prompt, outputNodes } = fillWorkflow(video, 'v', { prompt: 'x', fps: 12, output: 'o' }, 'webp');
    expect(outputNodes.map((id) => prompt[id]!.class_type)).toEqual(['SaveAnimatedWEBP']);
    expect(Object.values(prompt).some((n) => n.class_type === 'SaveVideo')).toBe(false);
    expect(prompt[outputNodes[0]!]!.inputs).toMatchObject({ fps: 12, filename_prefix: 'o' });
  });

  it('names the template and marker when a template does not fit', () => {
    const wf: ApiWorkflow = { '1': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'x' }, _meta: { title: 'hearth:output' } } };
    expect(() => fillWorkflow(wf, 'mine', { prompt: 'x', output: 'o' }, 'png')).toThrow('workflow template mine has no node titled hearth:prompt');
    const wrong: ApiWorkflow = { ...wf, '2': { class_type: 'KSampler', inputs: { steps: 1 }, _meta: { title: 'hearth:prompt' } } };
    expect(() => fillWorkflow(wrong, 'mine', { prompt: 'x', output: 'o' }, 'png')).toThrow(
      'workflow template mine: node 2 (KSampler, hearth:prompt) has no input text',
    );
    const webpOnly: ApiWorkflow = { '1': { ...wf['1']!, _meta: { title: 'hearth:output:webp' } } };
    expect(() => fillWorkflow(webpOnly, 'mine', { output: 'o' }, 'mp4')).toThrow('workflow template mine has no output node for mp4');
  });
});

describe('binary preview frames', () => {
  it('decodes PREVIEW_IMAGE and PREVIEW_IMAGE_WITH_METADATA, ignores TEXT and junk', () => {
    const img = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    expect(parseBinaryFrame(Buffer.concat([u32(1), u32(1), img]))).toEqual({ contentType: 'image/jpeg', bytes: img });
    expect(parseBinaryFrame(Buffer.concat([u32(1), u32(2), img]))?.contentType).toBe('image/png');
    const meta = Buffer.from(JSON.stringify({ node_id: '3', prompt_id: 'p1', image_type: 'image/png' }));
    expect(parseBinaryFrame(Buffer.concat([u32(4), u32(meta.length), meta, img]))).toEqual({ contentType: 'image/png', bytes: img, promptId: 'p1' });
    expect(parseBinaryFrame(Buffer.concat([u32(3), u32(1), Buffer.from('3progress')]))).toBeNull();
    expect(parseBinaryFrame(Buffer.concat([u32(1), u32(9), img]))).toBeNull();
    expect(parseBinaryFrame(Buffer.from([0, 0, 1]))).toBeNull();
  });

  it('throttles previews and shrinks one too large for JobProgress', async () => {
    let now = 0;
    const throttle = new PreviewThrottle(1000, () => now);
    const noisy = await sharp(randomBytes(600 * 600 * 3), { raw: { width: 600, height: 600, channels: 3 } })
      .png()
      .toBuffer();
    expect(noisy.length).toBeGreaterThan(MAX_PREVIEW_BYTES);
    const first = await throttle.take({ contentType: 'image/png', bytes: noisy });
    expect(first?.contentType).toBe('image/jpeg');
    expect(first!.data.length).toBeLessThanOrEqual(350_000);
    now = 500;
    expect(await throttle.take({ contentType: 'image/png', bytes: noisy })).toBeNull();
    now = 1000;
    // Every preview is re-encoded on the agent (real ones are 512-px JPEGs): bytes that do not decode are dropped.
    expect(await throttle.take({ contentType: 'image/jpeg', bytes: Buffer.from([1, 2, 3]) })).toBeNull();
    now = 2000;
    const real = await sharp({ create: { width: 512, height: 512, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer();
    const shrunk = await throttle.take({ contentType: 'image/jpeg', bytes: real });
    expect(shrunk?.contentType).toBe('image/jpeg');
    expect((await sharp(Buffer.from(shrunk!.data, 'base64')).metadata()).width).toBe(PREVIEW_PX);
  });
});
