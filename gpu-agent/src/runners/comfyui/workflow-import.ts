/**
 * Checking a workflow a family brings (ComfyUI's "Export (API)" JSON) before it becomes the
 * template of a job type: every node must exist on that ComfyUI with its required inputs
 * (`/object_info`), links must point at nodes that exist, and the `hearth:` title markers the job
 * type fills must be there on nodes with the right inputs. Each problem names the node.
 */
import { Value } from '@sinclair/typebox/value';
import { ApiWorkflow, fillWorkflow, markersOf, type OutputFormat, type WorkflowValues } from './workflow.js';

/** What `/object_info` says of one node class (the parts we read). */
export interface NodeInfo {
  input?: { required?: Record<string, unknown>; optional?: Record<string, unknown> };
  output_node?: boolean;
}
export type ObjectInfo = Record<string, NodeInfo>;

export type TemplateName = 'text-to-image' | 'image-to-image' | 'text-to-video';

/** The values each template is filled with (sample values: only their presence matters here). */
const SAMPLES: Record<TemplateName, { values: Omit<WorkflowValues, 'output'>; format: OutputFormat }> = {
  'text-to-image': { values: { checkpoint: 'x', prompt: 'x', negative: '', seed: 1, steps: 1, size: { width: 512, height: 512 } }, format: 'png' },
  'image-to-image': { values: { checkpoint: 'x', image: 'x.png', prompt: 'x', negative: '', seed: 1, steps: 1, denoise: 0.5 }, format: 'png' },
  'text-to-video': {
    values: { unet: 'x', 'text-encoder': 'x', vae: 'x', prompt: 'x', negative: '', seed: 1, frames: 17, fps: 8, size: { width: 512, height: 512 } },
    format: 'webp',
  },
};

/** Checkpoint file names: CheckpointLoaderSimple's ckpt_name choices (empty when the node is missing). */
export function checkpointsIn(info: ObjectInfo): string[] {
  const choices = info.CheckpointLoaderSimple?.input?.required?.ckpt_name;
  const list = Array.isArray(choices) ? choices[0] : undefined;
  return Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string') : [];
}

export type ImportCheck = { ok: true; workflow: ApiWorkflow } | { ok: false; problems: string[] };

const isLink = (v: unknown): v is [string, number] => Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number';

export function checkWorkflowImport(value: unknown, template: TemplateName, info: ObjectInfo): ImportCheck {
  if (value && typeof value === 'object' && 'nodes' in value && 'links' in value) {
    return { ok: false, problems: ['this is a ComfyUI workflow in the editor format; export it with "Export (API)" instead'] };
  }
  const workflow = structuredClone(value) as Record<string, unknown>;
  if (workflow && typeof workflow === 'object') delete workflow._hearth;
  const shape = Value.Errors(ApiWorkflow, workflow).First();
  if (shape) return { ok: false, problems: [`not an API-format workflow (${shape.path || '/'}: ${shape.message})`] };
  const wf = workflow as ApiWorkflow;
  const problems: string[] = [];
  for (const [id, node] of Object.entries(wf)) {
    const name = `node ${id} (${node.class_type})`;
    const spec = info[node.class_type];
    if (!spec) {
      problems.push(`${name}: this ComfyUI has no node ${node.class_type} (a custom node that is not installed?)`);
      continue;
    }
    for (const input of Object.keys(spec.input?.required ?? {})) {
      if (!(input in node.inputs)) problems.push(`${name}: the required input "${input}" is missing`);
    }
    for (const [input, v] of Object.entries(node.inputs)) {
      if (isLink(v) && !wf[v[0]]) problems.push(`${name}: input "${input}" is linked to node ${v[0]}, which is not in the workflow`);
    }
    for (const marker of markersOf(node)) {
      if (marker.startsWith('output') && !spec.output_node) problems.push(`${name}: hearth:${marker} is on a node that saves nothing`);
    }
  }
  const sample = SAMPLES[template];
  try {
    fillWorkflow(wf, template, { ...sample.values, output: 'hearth/check' }, sample.format);
  } catch (err) {
    problems.push((err as Error).message.replace(`workflow template ${template}`, 'the workflow'));
  }
  return problems.length ? { ok: false, problems: problems.slice(0, 20) } : { ok: true, workflow: wf };
}
