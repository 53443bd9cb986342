/**
 * ComfyUI API-format workflow templates and parameter injection.
 *
 * A template is what ComfyUI's "Export (API)" writes: `{ "<node id>": { class_type, inputs, _meta: { title } } }`.
 * We never rely on node ids: a node is found by markers in its title, e.g. `hearth:prompt`, or
 * several separated by spaces (`hearth:size hearth:frames`). Each marker sets named inputs of
 * that node; a marker the job needs but the template lacks, or a marked node without the input
 * the marker sets, is a clear error naming the template.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export const ApiNode = Type.Object({
  class_type: Type.String({ minLength: 1, maxLength: 200 }),
  inputs: Type.Record(Type.String(), Type.Unknown()),
  _meta: Type.Optional(Type.Object({ title: Type.Optional(Type.String({ maxLength: 500 })) })),
});
export const ApiWorkflow = Type.Record(Type.String({ minLength: 1, maxLength: 200 }), ApiNode, { minProperties: 1 });
export type ApiNode = Static<typeof ApiNode>;
export type ApiWorkflow = Static<typeof ApiWorkflow>;

export type OutputFormat = 'png' | 'webp' | 'mp4' | 'frames';

/** Values a job can inject; each key is a marker name without the `hearth:` prefix. */
export interface WorkflowValues {
  checkpoint?: string;
  unet?: string;
  'text-encoder'?: string;
  vae?: string;
  prompt?: string;
  negative?: string;
  seed?: number;
  steps?: number;
  denoise?: number;
  size?: { width: number; height: number };
  frames?: number;
  fps?: number;
  image?: string;
  /** File name prefix for every kept output node. */
  output: string;
}

type Setter = (node: ApiNode, value: never) => string[];
const set = (node: ApiNode, input: string, value: unknown) => {
  if (!(input in node.inputs)) return [input];
  node.inputs[input] = value;
  return [];
};

/** Marker → which inputs it sets. Returns the names of inputs the node lacks. */
const SETTERS: Record<Exclude<keyof WorkflowValues, 'output'>, Setter> = {
  checkpoint: (n, v: string) => set(n, 'ckpt_name', v),
  unet: (n, v: string) => set(n, 'unet_name', v),
  'text-encoder': (n, v: string) => set(n, 'clip_name', v),
  vae: (n, v: string) => set(n, 'vae_name', v),
  prompt: (n, v: string) => set(n, 'text', v),
  // The template's own negative text is a family-safe default; the job's words are added to it.
  negative: (n, v: string) => {
    const base = typeof n.inputs.text === 'string' ? n.inputs.text : '';
    return set(n, 'text', [base, v].filter((s) => s.trim()).join(', '));
  },
  seed: (n, v: number) => ('noise_seed' in n.inputs ? set(n, 'noise_seed', v) : set(n, 'seed', v)),
  steps: (n, v: number) => set(n, 'steps', v),
  denoise: (n, v: number) => set(n, 'denoise', v),
  size: (n, v: { width: number; height: number }) => [...set(n, 'width', v.width), ...set(n, 'height', v.height)],
  frames: (n, v: number) => ('length' in n.inputs ? set(n, 'length', v) : set(n, 'batch_size', v)),
  fps: (n, v: number) => ('frame_rate' in n.inputs ? set(n, 'frame_rate', v) : set(n, 'fps', v)),
  image: (n, v: string) => set(n, 'image', v),
};

export class WorkflowError extends Error {
  override name = 'WorkflowError';
}

export function markersOf(node: ApiNode): string[] {
  return (node._meta?.title ?? '')
    .split(/\s+/)
    .filter((t) => t.startsWith('hearth:'))
    .map((t) => t.slice('hearth:'.length));
}

export async function loadTemplate(dir: string, name: string): Promise<ApiWorkflow> {
  const path = join(dir, `${name}.json`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new WorkflowError(`workflow template ${name}: cannot read ${path} (${(err as Error).message})`);
  }
  // Templates may carry a top-level "_hearth" note for people; ComfyUI must not see it.
  if (parsed && typeof parsed === 'object') delete (parsed as Record<string, unknown>)._hearth;
  const first = Value.Errors(ApiWorkflow, parsed).First();
  if (first) throw new WorkflowError(`workflow template ${name} is not an API-format workflow (${first.path}: ${first.message})`);
  return parsed as ApiWorkflow;
}

export interface FilledWorkflow {
  prompt: ApiWorkflow;
  /** Ids of the output nodes kept for this format, whose files become artifacts. */
  outputNodes: string[];
}

/**
 * Fill a template for one job. Output nodes are marked `hearth:output` (always kept) or
 * `hearth:output:<format>` (kept only for that format; the others are removed so ComfyUI does
 * not render formats nobody asked for).
 */
export function fillWorkflow(template: ApiWorkflow, name: string, values: WorkflowValues, format: OutputFormat): FilledWorkflow {
  const prompt = structuredClone(template);
  const found = new Set<string>();
  const outputNodes: string[] = [];
  for (const [id, node] of Object.entries(prompt)) {
    for (const marker of markersOf(node)) {
      if (marker === 'output' || marker.startsWith('output:')) {
        if (marker !== 'output' && marker !== `output:${format}`) {
          delete prompt[id];
          break;
        }
        set(node, 'filename_prefix', values.output);
        outputNodes.push(id);
        continue;
      }
      const setter = SETTERS[marker as keyof typeof SETTERS];
      if (!setter) throw new WorkflowError(`workflow template ${name}: node ${id} has an unknown marker hearth:${marker}`);
      const value = values[marker as keyof typeof SETTERS];
      if (value === undefined) continue;
      const missing = setter(node, value as never);
      if (missing.length)
        throw new WorkflowError(`workflow template ${name}: node ${id} (${node.class_type}, hearth:${marker}) has no input ${missing.join(', ')}`);
      found.add(marker);
    }
  }
  for (const key of Object.keys(values) as (keyof WorkflowValues)[]) {
    if (key !== 'output' && values[key] !== undefined && !found.has(key)) {
      throw new WorkflowError(`workflow template ${name} has no node titled hearth:${key}`);
    }
  }
  if (!outputNodes.length)
    throw new WorkflowError(`workflow template ${name} has no output node for ${format} (title hearth:output or hearth:output:${format})`);
  return { prompt, outputNodes };
}
