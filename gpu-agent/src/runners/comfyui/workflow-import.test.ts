import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkWorkflowImport, type ObjectInfo } from './workflow-import.js';

/** /object_info of the nodes Hearth's templates use, as a real ComfyUI 0.3.64 answered (recorded). */
const recorded = JSON.parse(readFileSync(new URL('../../../test/fixtures/comfyui/recorded/0.3.64-info.json', import.meta.url), 'utf8')) as {
  exchanges: { kind: string; path?: string; response?: unknown }[];
};
const info: ObjectInfo = Object.assign(
  {},
  ...recorded.exchanges.filter((e) => e.kind === 'http' && e.path?.startsWith('/object_info/')).map((e) => e.response),
);
const template = () =>
  JSON.parse(readFileSync(new URL('../../../workflows/text-to-image.json', import.meta.url), 'utf8')) as Record<
    string,
    { class_type: string; inputs: Record<string, unknown>; _meta?: { title?: string } }
  >;

describe('workflow import (checked against a real ComfyUI 0.3.64 /object_info)', () => {
  it('accepts an API-format export with the markers the job type fills', () => {
    expect(info.KSampler?.input?.required).toHaveProperty('steps');
    const checked = checkWorkflowImport(template(), 'text-to-image', info);
    expect(checked).toMatchObject({ ok: true });
  });

  it('names a node this ComfyUI does not have', () => {
    const wf = template();
    wf['10'] = { class_type: 'UltimateSDUpscale', inputs: { image: ['8', 0] } };
    const checked = checkWorkflowImport(wf, 'text-to-image', info);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.problems).toContain(
      'node 10 (UltimateSDUpscale): this ComfyUI has no node UltimateSDUpscale (a custom node that is not installed?)',
    );
  });

  it('names a missing title marker, a missing required input and a dangling link', () => {
    const wf = template();
    wf['6']!._meta = { title: 'Positive' }; // hearth:prompt gone
    delete wf['3']!.inputs.cfg;
    wf['8']!.inputs.vae = ['42', 2];
    const checked = checkWorkflowImport(wf, 'text-to-image', info);
    expect(checked.ok).toBe(false);
    const problems = checked.ok ? [] : checked.problems;
    expect(problems).toContain('node 3 (KSampler): the required input "cfg" is missing');
    expect(problems).toContain('node 8 (VAEDecode): input "vae" is linked to node 42, which is not in the workflow');
    expect(problems).toContain('the workflow has no node titled hearth:prompt');
  });

  it('says when the file is the editor format rather than Export (API)', () => {
    const checked = checkWorkflowImport({ nodes: [], links: [], version: 0.4 }, 'text-to-image', info);
    expect(checked).toEqual({ ok: false, problems: ['this is a ComfyUI workflow in the editor format; export it with "Export (API)" instead'] });
  });
});
