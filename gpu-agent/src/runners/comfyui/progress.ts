/**
 * ComfyUI reports per node (`executing`) and per sampler step (`progress`); the family wants one
 * bar. Samplers weigh most, so the bar moves with the steps; it never goes backwards.
 */
import type { JobProgress } from '@hearth/protocol';
import type { ApiWorkflow } from './workflow.js';

const START = 0.05;
const END = 0.9;

function weightOf(classType: string): number {
  if (/Sampler/i.test(classType)) return 20;
  if (/VAEDecode|Save|CreateVideo/.test(classType)) return 2;
  return 1;
}

export function stageOf(classType: string): string {
  if (/Sampler/i.test(classType)) return 'sampling';
  if (/Loader/.test(classType)) return 'loading models';
  if (/TextEncode/.test(classType)) return 'reading the prompt';
  if (/VAEDecode/.test(classType)) return 'decoding';
  if (/Save|CreateVideo/.test(classType)) return 'saving';
  return 'preparing';
}

export class ComfyProgress {
  private readonly weights = new Map<string, number>();
  private readonly total: number;
  private readonly done = new Set<string>();
  private currentNode?: string;
  private within = 0;
  private last: JobProgress = { fraction: 0, stage: 'queued' };

  constructor(
    private readonly prompt: ApiWorkflow,
    private readonly emit: (p: JobProgress) => void,
  ) {
    for (const [id, node] of Object.entries(prompt)) this.weights.set(id, weightOf(node.class_type));
    this.total = [...this.weights.values()].reduce((a, b) => a + b, 0) || 1;
  }

  current(): JobProgress {
    return this.last;
  }

  queued(remaining: number): void {
    if (this.last.fraction === 0) this.report(0, remaining > 1 ? `waiting in ComfyUI's queue (${remaining - 1} ahead)` : 'queued');
  }

  started(): void {
    this.report(0.02, 'starting');
  }

  cached(nodes: readonly string[]): void {
    for (const n of nodes) this.done.add(n);
    this.report(this.fraction(), this.last.stage);
  }

  executing(node: string): void {
    if (this.currentNode && this.currentNode !== node) this.done.add(this.currentNode);
    this.currentNode = node;
    this.within = 0;
    this.report(this.fraction(), stageOf(this.prompt[node]?.class_type ?? ''));
  }

  step(node: string | null | undefined, value: number, max: number): void {
    if (node && node !== this.currentNode) this.executing(node);
    this.within = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
    const classType = this.prompt[this.currentNode ?? '']?.class_type ?? '';
    const stage = /Sampler/i.test(classType) ? `sampling step ${value}/${max}` : stageOf(classType);
    this.report(this.fraction(), stage);
  }

  finish(stage: string, fraction: number): void {
    this.report(fraction, stage);
  }

  private fraction(): number {
    let sum = 0;
    for (const id of this.done) sum += this.weights.get(id) ?? 0;
    if (this.currentNode && !this.done.has(this.currentNode)) sum += (this.weights.get(this.currentNode) ?? 0) * this.within;
    return START + (END - START) * Math.min(1, sum / this.total);
  }

  private report(fraction: number, stage: string): void {
    const next = { fraction: Math.max(this.last.fraction, Math.min(1, fraction)), stage: stage.slice(0, 80) };
    if (next.fraction === this.last.fraction && next.stage === this.last.stage) return;
    this.last = next;
    this.emit(next);
  }
}
