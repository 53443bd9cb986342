import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Logger } from 'pino';
import {
  BrokerJobResult,
  JOB_TYPES,
  JobProgress,
  type Capability,
  type CapabilityReadiness,
  type JobInput,
  type JobType,
  type JobView,
  type JobWait,
  type MediaModeration,
  type MediaView,
  type MediaPrivacy,
  type Principal,
} from '@hearth/protocol';
import type { Db } from '../db/database.js';
import type { DomainBus, JobOwnerRef, JobTransition } from '../bus/domain-bus.js';
import type { AgentRegistry } from '../agents/agent-registry.js';
import type { KnownAgents } from '../agents/known-agents.js';
import { readiness } from '../agents/readiness.js';
import type { Waker } from '../agents/waker.js';
import type { MediaService } from '../media/media-service.js';
import type { MediaRow } from '../media/media-repo.js';
import { isImage } from '../media/sniff.js';
import { toMediaView } from '../media/media-repo.js';
import { pdfPages } from '../media/pdf-pages.js';
import { canSee } from '../media/visibility.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { JobSettings } from '../settings/schema.js';
import { HttpError, badRequest, conflict, invalidField, notFound } from '../http/errors.js';
import type { Broker } from './broker.js';
import { JobIds } from './job-id.js';
import { referencedMedia, validateJobInput } from './job-input.js';
import { dayBounds, inputForRole, quotaFor, roleMaySubmit, type Quota } from './job-policy.js';
import { JobStore, LIVE_STATUSES, toJobView, type JobOwner, type JobResult, type JobRow } from './job-store.js';
import type { ArtifactStore } from './artifact-store.js';
import type { JobRuns } from './job-runs.js';

export interface JobServiceDeps {
  db: Db;
  store: JobStore;
  artifacts: ArtifactStore;
  runs: JobRuns;
  broker: Broker;
  media: MediaService;
  agents: AgentRegistry;
  known: KnownAgents;
  waker: Waker;
  bus: DomainBus;
  settings: SettingsStore;
  log: Logger;
}

export interface SubmitOptions {
  presetId?: number;
  /** Hearth's own jobs (moderation): no owner, no role or quota checks. */
  system?: boolean;
  /** Runs inside the transaction that inserts the row (the audit entry): both commit together, in one write. */
  alongside?: (row: JobRow) => void;
}

const SYSTEM_OWNER: JobOwner = { kind: 'system', userId: null, deviceId: null, name: 'Hearth' };
// Compiled once: every progress event and every result is checked against these.
const progressCheck = TypeCompiler.Compile(JobProgress);
const resultCheck = TypeCompiler.Compile(BrokerJobResult);

/**
 * Jobs from submission to result. SQLite is the truth the family sees; bee-queue carries the
 * work to agents. Every transition is guarded by the row's status, so events that arrive twice,
 * late, or after a cancel change nothing.
 */
export class JobService {
  private readonly ids = new JobIds();
  private readonly d: JobServiceDeps;
  private readonly roleOf;

  constructor(deps: JobServiceDeps) {
    this.d = deps;
    this.roleOf = deps.db.prepare<[number | null], string>('SELECT role FROM users WHERE id = ?').pluck();
  }

  get store(): JobStore {
    return this.d.store;
  }

  /** Who sees a job: its owner and admins (device- and system-owned jobs: admins only). */
  canView(p: Principal, row: JobRow): boolean {
    if (p.kind !== 'user') return false;
    return p.role === 'admin' || (row.owner_kind === 'user' && row.owner_id === p.id);
  }

  quota(p: Extract<Principal, { kind: 'user' }>, now = Date.now()): Quota {
    const used = this.d.store.countCreatedBy(p.id, dayBounds(now).start);
    return quotaFor(this.jobSettings(), p.role, used, now);
  }

  /** A chosen checkpoint must be one a ComfyUI of the family lists (as its computer last announced). */
  private checkCheckpoint(name: string): void {
    const offered = this.d.agents.checkpoints();
    if (offered.includes(name)) return;
    const allowed = offered.join(', ').slice(0, 500);
    throw invalidField({
      message: `input.checkpoint must be one of the checkpoints the ComfyUI servers list (${allowed || 'none listed'})`,
      field: 'input.checkpoint',
      code: 'one-of',
      params: { allowed },
    });
  }

  async submit(principal: Principal, body: { type: string; input: unknown; title?: string }, opts: SubmitOptions = {}): Promise<JobView> {
    const valid = validateJobInput(body.type, body.input);
    const { type } = valid;
    const owner = opts.system ? SYSTEM_OWNER : this.ownerOf(principal);
    if (!opts.system && principal.kind === 'user' && !roleMaySubmit(principal.role, type)) {
      throw new HttpError(
        403,
        principal.role === 'child' ? `Children can run only the built-in picture jobs and stories, not ${type}` : `Only admins can run ${type} jobs`,
      );
    }
    const input = principal.kind === 'user' ? inputForRole(principal.role, type, valid.input) : valid.input;
    if (!opts.system) this.checkMedia(principal, input);
    if (!opts.system && type === 'audio.speak') this.checkVoice(input as JobInput<'audio.speak'>);
    if (typeof input.checkpoint === 'string') this.checkCheckpoint(input.checkpoint);

    const capability = JOB_TYPES[type].capability;
    const ready = this.readiness(capability);
    if (!opts.system) this.refuseUnrunnable(principal, type, ready);
    const status = ready.state === 'ready' ? 'queued' : 'waiting_for_gpu';
    const now = Date.now();
    const row = this.d.db.transaction(() => {
      // Quota check and insert in one transaction: two racing submissions cannot both take the last slot.
      // A role without a limit needs no count.
      if (!opts.system && principal.kind === 'user' && quotaFor(this.jobSettings(), principal.role, 0, now).limit !== null) {
        const q = this.quota(principal, now);
        if (q.remaining !== null && q.remaining <= 0) {
          throw new HttpError(429, `You have used all ${q.limit} jobs for today; more from ${new Date(q.resetsAt).toLocaleString('en-GB')}`, {
            'retry-after': String(Math.ceil((q.resetsAt - now) / 1000)),
          });
        }
      }
      const title = body.title?.trim() || (JOB_TYPES[type].input as { title?: string }).title || type;
      const inserted = this.d.store.insert({ id: this.ids.next(now), type, title, input, owner, presetId: opts.presetId ?? null, status, now });
      opts.alongside?.(inserted);
      return inserted;
    })();
    await this.enqueue(row, input);
    if (status === 'waiting_for_gpu') await this.d.waker.wake(capability, `job ${row.id} (${type}) needs a ${capability} agent`);
    const view = this.view(row);
    this.publishView(row, view, 'created');
    return view;
  }

  async cancel(actor: Principal, id: string): Promise<JobView> {
    const row = this.viewable(actor, id);
    if (!LIVE_STATUSES.includes(row.status)) throw conflict(`The job is already ${row.status}`);
    if (!this.d.store.finish(id, 'cancelled', { error: `Cancelled by ${nameOf(actor)}` }, Date.now())) throw conflict('The job finished meanwhile');
    // Both, always: the job may have been picked up between our read and the removal.
    await this.d.broker
      .remove(row.capability, id)
      .catch((err: Error) => this.d.log.warn({ job: id, err: err.message }, 'could not remove a cancelled job from Redis; reconciliation will'));
    await this.d.broker.cancelRunning(id).catch((err: Error) => this.d.log.warn({ job: id, err: err.message }, 'could not announce a cancel'));
    const view = this.view(this.d.store.get(id)!);
    this.publishView(row, view, 'cancelled');
    return view;
  }

  /** A job's result items the caller may see, with a PDF's page count. */
  async resultMedia(p: Principal, row: JobRow): Promise<Array<{ item: MediaView; pages: number | null }>> {
    const ids = row.result ? (JSON.parse(row.result) as JobResult).mediaIds : [];
    const out: Array<{ item: MediaView; pages: number | null }> = [];
    for (const id of ids) {
      const m = this.d.media.get(id);
      if (!m || !canSee(p, m)) continue;
      const pages = m.content_type === 'application/pdf' ? await pdfPages(this.d.media.files.pathOf(m.file)).catch(() => null) : null;
      out.push({ item: { ...toMediaView(m), jobTitle: row.title, jobType: row.type }, pages });
    }
    return out;
  }

  /** Can some computer run this capability now, after a wake, later, or never? */
  readiness(capability: Capability): CapabilityReadiness {
    return readiness(capability, this.d.agents, this.d.known);
  }

  /** A job as people see it; a waiting one says whom Hearth wakes and since when. */
  view(row: JobRow): JobView {
    const view = toJobView(row);
    return row.status === 'waiting_for_gpu' ? { ...view, wait: this.waitOf(row.capability) } : view;
  }

  private waitOf(capability: Capability): JobWait {
    const r = this.readiness(capability);
    // `ready` while still marked waiting: the next capacity event queues it; nothing to wake.
    const state = r.state === 'ready' ? 'waiting' : r.state;
    const since = r.computers.map((c) => this.d.waker.wakingSince(c.agentId)).filter((t): t is number => t !== null);
    return {
      state,
      capability,
      computers: r.computers,
      since: state === 'wake' && since.length > 0 ? Math.min(...since) : null,
      retryMs: this.d.waker.retryMs,
    };
  }

  /** Refuse work no known computer has ever offered to run, unless the admin lets such jobs wait. */
  private refuseUnrunnable(p: Principal, type: JobType, ready: CapabilityReadiness): void {
    if (ready.state !== 'none' || this.jobSettings()?.queueWithoutComputer) return;
    const needs = NEEDS[JOB_TYPES[type].capability];
    const who = p.kind === 'user' && p.role === 'admin' ? 'set one up in Admin → Computers' : 'ask an admin to set one up in Admin → Computers';
    throw new HttpError(409, `${titleOf(type)} needs ${needs}: ${who}`, {}, undefined, `capability.none.${JOB_TYPES[type].capability}`);
  }

  async retry(actor: Principal, id: string): Promise<JobView> {
    const row = this.viewable(actor, id);
    if (row.status !== 'failed' && row.status !== 'cancelled') throw conflict(`Only failed or cancelled jobs can be retried; this one is ${row.status}`);
    const ready = this.readiness(row.capability);
    this.refuseUnrunnable(actor, row.type, ready);
    const status = ready.state === 'ready' ? 'queued' : 'waiting_for_gpu';
    if (!this.d.store.requeue(id, status)) throw conflict('The job changed meanwhile; reload and try again');
    // A stale copy (a finished attempt) would make the add a no-op.
    await this.d.broker.remove(row.capability, id).catch(() => undefined);
    const after = this.d.store.get(id)!;
    await this.enqueue(after);
    if (status === 'waiting_for_gpu') await this.d.waker.wake(row.capability, `job ${id} retried`);
    const view = this.view(after);
    this.publishView(after, view);
    return view;
  }

  viewable(p: Principal, id: string): JobRow {
    const row = this.d.store.get(id);
    if (!row || !this.canView(p, row)) throw notFound('Job');
    return row;
  }

  /** Add a live job to bee-queue; when Redis is away the row stays and reconciliation adds it. */
  async enqueue(row: JobRow, input: unknown = JSON.parse(row.input)): Promise<void> {
    await this.d.broker
      .add({ id: row.id, data: { jobId: row.id, type: row.type, input, firstAttempt: row.attempts } })
      .catch((err: Error) => this.d.log.warn({ job: row.id, err: err.message }, 'job saved but not yet queued in Redis; reconciliation will add it'));
  }

  // ---- events from bee-queue ----

  onProgress(id: string, raw: unknown): void {
    if (!progressCheck.Check(raw)) {
      this.d.log.warn({ job: id }, 'ignored progress that does not match the protocol');
      return;
    }
    const before = this.d.store.get(id);
    if (!before || !this.d.store.setProgress(id, raw)) return;
    this.markRunning(id);
    this.d.bus.emit('job.progress', { jobId: id, owner: ownerRef(before), progress: raw });
  }

  onRetrying(id: string, message: string): void {
    if (this.d.store.nextAttempt(id, message)) this.publishLatest(id);
  }

  async onFailed(id: string, message: string): Promise<void> {
    const row = this.d.store.get(id);
    if (row && this.d.store.finish(id, 'failed', { error: message.slice(0, 2000) }, Date.now())) this.publishLatest(id, 'failed');
    if (row) await this.forget(row);
  }

  /**
   * A job's result: link the uploaded artifacts as media and mark the job succeeded, in one
   * transaction guarded by the job's status, so a result delivered twice (event + reconciliation,
   * or a retried attempt) links its media exactly once.
   */
  async onSucceeded(id: string, raw: unknown): Promise<void> {
    const row = this.d.store.get(id);
    if (!row) return;
    if (!LIVE_STATUSES.includes(row.status)) return this.forget(row);
    if (!resultCheck.Check(raw)) {
      const first = resultCheck.Errors(raw).First();
      return this.onFailed(
        id,
        `The agent returned a result Hearth cannot read (result${first?.path.replaceAll('/', '.') ?? ''}: ${first?.message ?? 'invalid'})`,
      );
    }
    const planned: MediaRow[] = [];
    for (const name of raw.artifacts) {
      const a = this.d.artifacts.latest(id, name);
      if (!a) return this.onFailed(id, `The agent reported an artifact "${name}" it never uploaded`);
      const size = isImage(a.content_type)
        ? await this.d.media.imageSize(this.d.media.files.pathOf(a.sha256)).catch(() => ({ width: null, height: null }))
        : { width: null, height: null };
      planned.push({
        id: a.sha256,
        file: a.sha256,
        owner_id: row.owner_id,
        owner_name: row.owner_name,
        content_type: a.content_type,
        ...size,
        bytes: a.bytes,
        privacy: this.outputPrivacy(row),
        moderation: a.moderation,
        job_id: id,
        created_at: Date.now(),
      });
    }
    let mediaIds: string[] = [];
    const created = this.d.db.transaction(() => {
      // Bytes already in the gallery (anyone's) become a new item of this job's own; the same
      // bytes twice in one result are one item.
      const byFile = new Map<string, MediaRow>();
      for (const m of planned) {
        if (byFile.has(m.file)) continue;
        m.id = this.d.media.newItemId(m.file);
        byFile.set(m.file, m);
      }
      mediaIds = planned.map((m) => byFile.get(m.file)!.id).filter((v, i, all) => all.indexOf(v) === i);
      const result: JobResult = raw.data === undefined ? { mediaIds } : { mediaIds, data: raw.data };
      if (!this.d.store.finish(id, 'succeeded', { result }, Date.now())) return null;
      const inserted = [...byFile.values()].filter((m) => this.d.media.repo.insert(m));
      this.d.artifacts.clear(id);
      return inserted;
    })();
    if (created === null) return this.forget(row);
    const done = this.publishLatest(id, 'succeeded');
    if (done) this.d.bus.emit('job.succeeded', { job: done, owner: ownerRef(row), mediaIds });
    for (const m of created) this.d.media.added(m);
    this.settleDerived(id);
    if (row.type === 'image.moderate') this.applyVerdict(row, raw.data);
    await this.forget(row);
  }

  /** The registry's served capabilities changed: jobs follow, so none is stranded as `queued` with nobody to run it. */
  async onCapacity(change: { gained: readonly Capability[]; lost: readonly Capability[] }): Promise<void> {
    this.onCapabilitiesServed(change.gained);
    for (const cap of change.lost) await this.onCapabilityLost(cap);
  }

  /** A job waiting for a GPU becomes queued once an agent that serves it is online. */
  onCapabilitiesServed(capabilities: readonly Capability[]): void {
    for (const cap of capabilities) {
      for (const row of this.d.store.withStatus('waiting_for_gpu', cap)) {
        if (this.d.store.setLiveStatus(row.id, 'queued', Date.now())) this.publishLatest(row.id);
      }
    }
  }

  /**
   * No online agent serves `capability` any more: its queued jobs wait for a GPU, and the GPU
   * machines are woken (as for a submission). Running jobs are left to the broker's stall handling.
   */
  async onCapabilityLost(capability: Capability): Promise<void> {
    if (this.d.store.withStatus('queued', capability).length === 0) return;
    // An agent may have taken a job just before it left, before the tick marked it running: that one is running.
    const taken = new Set(await this.d.broker.activeIds(capability).catch(() => [] as string[]));
    // Re-read after the await: an agent may have come back meanwhile (its `gained` found nothing to requeue).
    if (this.d.agents.serves(capability)) return;
    const parked = this.d.store.withStatus('queued', capability).filter((row) => !taken.has(row.id) && this.d.store.park(row.id));
    if (parked.length === 0) return;
    await this.d.waker.wake(capability, `${parked.length} queued ${capability} job(s) lost their agent`);
    for (const row of parked) this.publishLatest(row.id);
  }

  /**
   * An agent starts an attempt it took from the queue: bind the attempt to it and mark the job
   * running. The attempt must be the job's current one; a later one only if bee-queue (which
   * counts retries) confirms it — the caller's number alone never moves the job on.
   */
  async startAttempt(jobId: string, attempt: number, agentId: number): Promise<JobRow> {
    let row = this.d.store.get(jobId);
    if (!row) throw notFound('Job');
    if (!LIVE_STATUSES.includes(row.status)) throw conflict(`Job ${jobId} is ${row.status}; it cannot be started`);
    if (attempt < row.attempts) throw conflict(`Attempt ${attempt} is older than the job's current attempt ${row.attempts}`);
    if (attempt > row.attempts) {
      // A retry may reach an agent before its event reaches us: ask bee-queue, not the caller.
      const queued = await this.d.broker.attemptOf(row.capability, jobId).catch(() => null);
      if (queued === null || attempt > queued) throw conflict(`Attempt ${attempt} is not the job's current attempt ${row.attempts}`);
      this.d.store.catchUpAttempt(jobId, attempt);
      row = this.d.store.get(jobId)!;
      if (!LIVE_STATUSES.includes(row.status)) throw conflict(`Job ${jobId} is ${row.status}; it cannot be started`);
    }
    const holder = this.d.runs.bind(jobId, attempt, agentId, Date.now());
    if (holder !== agentId) throw new HttpError(403, `Attempt ${attempt} of job ${jobId} is being run by another agent`);
    this.markRunning(jobId);
    return row;
  }

  /** Jobs an agent has taken (in bee-queue's active list) are running, even before their first progress. */
  async markActive(capability: Capability): Promise<void> {
    for (const id of await this.d.broker.activeIds(capability)) {
      this.markRunning(id);
    }
  }

  /**
   * The one place a job becomes running — whichever comes first: the broker saw an agent take it,
   * the agent started its attempt, or its first progress arrived. Only a live job moves, once.
   */
  private markRunning(id: string): void {
    if (this.d.store.setLiveStatus(id, 'running', Date.now())) this.publishLatest(id, 'running');
  }

  /** Moderation jobs Hearth runs for every new picture. */
  async moderate(mediaId: string): Promise<void> {
    await this.submit({ kind: 'anonymous' }, { type: 'image.moderate', input: { mediaId } }, { system: true }).catch((err: Error) =>
      this.d.log.error({ mediaId, err: err.message }, 'could not queue moderation'),
    );
  }

  publish(row: JobRow): void {
    this.publishView(row, this.view(row));
  }

  /** Wake again for every capability with waiting jobs (the first packet may be lost, or the PC was mid-boot). */
  async wakeForWaiting(): Promise<void> {
    const caps = new Set(this.d.store.withStatus('waiting_for_gpu').map((r) => r.capability));
    for (const cap of caps) {
      if ((await this.d.waker.wake(cap, 'jobs still wait for a computer')).length > 0) {
        for (const row of this.d.store.withStatus('waiting_for_gpu', cap)) this.publishLatest(row.id);
      }
    }
  }

  /** Live jobs as the family sees them now, with their owners (the kiosk feed starts from these). */
  live(): Array<{ job: JobView; owner: JobOwnerRef }> {
    return this.d.store.live().map((row) => ({ job: toJobView(row), owner: ownerRef(row) }));
  }

  /** Tell everyone concerned (`job.changed`) about a job as it is now in SQLite; returns its view. */
  private publishLatest(id: string, transition?: JobTransition): JobView | undefined {
    const row = this.d.store.get(id);
    if (!row) return undefined;
    const view = this.view(row);
    this.publishView(row, view, transition);
    return view;
  }

  private publishView(row: JobRow, view: JobView, transition?: JobTransition): void {
    this.d.bus.emit('job.changed', transition ? { job: view, owner: ownerRef(row), transition } : { job: view, owner: ownerRef(row) });
  }

  private jobSettings(): JobSettings | undefined {
    return this.d.settings.section<JobSettings | undefined>('jobs', undefined);
  }

  /** A finished job has no business in Redis any more (workers keep finished jobs for us). */
  private async forget(row: JobRow): Promise<void> {
    await this.d.broker
      .remove(row.capability, row.id)
      .catch((err: Error) => this.d.log.debug({ job: row.id, err: err.message }, 'finished job not yet removed from Redis'));
  }

  private applyVerdict(row: JobRow, data: unknown): void {
    const verdict = (data as { verdict?: unknown } | undefined)?.verdict;
    const mediaId = (JSON.parse(row.input) as { mediaId: string }).mediaId;
    if (verdict === 'safe' || verdict === 'unsafe') {
      this.d.media.setModeration(mediaId, verdict as MediaModeration);
      // PDFs and videos made from this picture (or beside it) may now be cleared.
      const made = this.d.media.get(mediaId)?.job_id;
      for (const jobId of new Set([...(made ? [made] : []), ...this.d.store.succeededUsing(mediaId)])) this.settleDerived(jobId);
    } else this.d.log.warn({ job: row.id }, 'moderation result without a verdict; the picture stays pending');
  }

  /**
   * A job's non-image results (a comic's PDF, a video) cannot be classified themselves: they take
   * the moderation of the pictures they were made of (the job's input pictures and its own
   * picture results): unsafe if any is, safe once all are. Made from no picture: stays pending.
   * Non-picture inputs (a story's narration, its music) have no verdict and do not count.
   */
  private settleDerived(jobId: string): void {
    const row = this.d.store.get(jobId);
    if (!row?.result) return;
    const results = (JSON.parse(row.result) as JobResult).mediaIds.map((m) => this.d.media.get(m)).filter((m): m is MediaRow => m !== undefined);
    const waiting = results.filter((m) => !isImage(m.content_type) && m.moderation === 'pending');
    if (waiting.length === 0) return;
    const pictureInputs = referencedMedia(JSON.parse(row.input)).filter((m) => {
      const r = this.d.media.get(m);
      return !r || isImage(r.content_type);
    });
    const sources = [...pictureInputs, ...results.filter((m) => isImage(m.content_type)).map((m) => m.id)];
    if (sources.length === 0) return;
    const states = sources.map((m) => this.d.media.get(m)?.moderation ?? 'pending');
    const verdict: MediaModeration | null = states.includes('unsafe') ? 'unsafe' : states.every((v) => v === 'safe') ? 'safe' : null;
    if (verdict) for (const m of waiting) this.d.media.setModeration(m.id, verdict);
  }

  private outputPrivacy(row: JobRow): MediaPrivacy {
    if (row.owner_kind !== 'user') return 'family';
    // A child only ever sees family items (see media/visibility.ts), so their results go there.
    return this.roleOf.get(row.owner_id) === 'child' ? 'family' : 'private';
  }

  private ownerOf(p: Principal): JobOwner {
    if (p.kind === 'user') return { kind: 'user', userId: p.id, deviceId: null, name: p.name };
    if (p.kind === 'device') return { kind: 'device', userId: null, deviceId: p.id, name: p.name };
    throw new HttpError(401, 'Log in first');
  }

  /**
   * A voice no computer announces for the language is refused at once. Before any computer has
   * announced voices there is nothing to check against: the agent refuses an unknown one itself.
   */
  private checkVoice({ voice, language }: JobInput<'audio.speak'>): void {
    const offered = this.d.agents.list().flatMap((a) => a.voices);
    if (offered.length === 0) return;
    const allowed = [...new Set(offered.filter((v) => v.language === language).map((v) => v.id))];
    if (allowed.includes(voice)) return;
    const why = offered.some((v) => v.id === voice) ? `does not speak "${language}"` : 'is not offered by any computer';
    throw invalidField({
      message: `input.voice "${voice}" ${why} (one of ${allowed.join(', ') || 'none'})`,
      field: 'input.voice',
      code: 'one-of',
      params: { allowed: allowed.join(', ') },
    });
  }

  private checkMedia(p: Principal, input: unknown): void {
    for (const id of referencedMedia(input)) {
      const m = this.d.media.get(id);
      // A device (Home Assistant) runs presets an admin wrote; it only needs the item to exist. Everyone may
      // use their own items (a child's picture or narration before moderation: what is made of it is moderated).
      if (!m || (p.kind === 'user' && m.owner_id !== p.id && !canSee(p, m)))
        throw badRequest(`input refers to media ${id.slice(0, 12)}… that does not exist or that you cannot see`);
    }
  }
}

/** What a capability needs, in the words of the refusal. */
const NEEDS: Record<Capability, string> = {
  comfyui: 'a ComfyUI server',
  llm: 'a language model server (Ollama or OpenAI-compatible)',
  builtin: 'a computer running the Hearth agent',
  speech: 'an agent with a speech engine (espeak-ng, Piper or an OpenAI-compatible speech server)',
  video: 'an agent with ffmpeg',
};

const titleOf = (type: JobType) => (JOB_TYPES[type].input as { title?: string }).title ?? type;

const ownerRef = (row: JobRow): JobOwnerRef => ({ kind: row.owner_kind, userId: row.owner_id });

function nameOf(p: Principal): string {
  return p.kind === 'anonymous' ? 'someone' : p.name;
}
