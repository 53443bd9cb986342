import { Value } from '@sinclair/typebox/value';
import {
  StoryResult,
  type AgentVoice,
  type JobInput,
  type Principal,
  type StoryboardSave,
  type StoryCharacter,
  type StoryCreate,
  type StoryPictures,
  type StoryPrivacy,
  type StoryStage,
  type StorySummary,
  type StoryView,
} from '@hearth/protocol';
import type { Db } from '../db/database.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AgentRegistry } from '../agents/agent-registry.js';
import type { MediaService } from '../media/media-service.js';
import { canSee } from '../media/visibility.js';
import { HttpError, conflict, invalidField, notFound } from '../http/errors.js';
import type { PipelineKind, PipelineService } from '../pipelines/pipeline-service.js';
import type { NewStep } from '../pipelines/pipeline-store.js';
import { StoryStore, type StoryRow } from './story-store.js';

type User = Extract<Principal, { kind: 'user' }>;

export interface Actor {
  principal: Principal;
  ip: string;
}

export const TELL_STORY = 'story.tell';

/** The picture step's key of scene `i` (0-based), its narration's, and the film's. */
const pictureKey = (i: number) => `picture-${i + 1}`;
const voiceKey = (i: number) => `voice-${i + 1}`;
const STORY_KEY = 'story';
const VIDEO_KEY = 'video';
const sceneOf = (key: string) => Number(/^(?:picture|voice)-(\d+)$/.exec(key)?.[1] ?? 0) - 1;

/**
 * The steps: the storyboard; then — once a person approved it — a picture and a narration per
 * scene side by side; then the film made of them all.
 */
export function tellStorySteps(scenes: number, pictures: StoryPictures): NewStep[] {
  const per = Array.from({ length: scenes }, (_, i) => [
    {
      key: pictureKey(i),
      title: `Picture for scene ${i + 1}`,
      jobType: pictures === 'photos' ? ('image.comic-look' as const) : ('image.generate' as const),
      needs: [STORY_KEY],
      gated: true,
    },
    { key: voiceKey(i), title: `Narration of scene ${i + 1}`, jobType: 'audio.speak' as const, needs: [STORY_KEY], gated: true },
  ]).flat();
  return [
    { key: STORY_KEY, title: 'Write the storyboard', jobType: 'text.story', needs: [] },
    ...per,
    { key: VIDEO_KEY, title: 'Make the film', jobType: 'video.compose', needs: per.map((s) => s.key) },
  ];
}

/**
 * Narrated stories: who may start and follow them, the storyboard the family approves and edits,
 * a scene drawn again, and where the film is seen. The making is a pipeline (see `kind`).
 */
export class StoryService {
  readonly store: StoryStore;

  constructor(private readonly d: { db: Db; audit: AuditLog; media: MediaService; pipelines: PipelineService; agents: AgentRegistry }) {
    this.store = new StoryStore(d.db);
  }

  /** Voices the family's computers offer (an asleep one is woken for the narration). */
  voices(): AgentVoice[] {
    const seen = new Map<string, AgentVoice>();
    for (const a of this.d.agents.list()) if (a.capabilities.includes('speech')) for (const v of a.voices) if (!seen.has(v.id)) seen.set(v.id, v);
    return [...seen.values()].sort((a, b) => a.language.localeCompare(b.language) || a.label.localeCompare(b.label));
  }

  viewable(p: Principal, id: number): StoryRow {
    const row = this.store.get(id);
    if (!row || p.kind !== 'user' || !(p.role === 'admin' || row.owner_id === p.id)) throw notFound('Story');
    return row;
  }

  create(actor: Actor, body: StoryCreate): StoryView {
    const user = asUser(actor.principal);
    // Who it is for comes from who asks, never from the request.
    const audience = user.role === 'child' ? 'child' : 'family';
    if (user.role === 'child' && body.pictures === 'generate') {
      throw invalidField({
        message: "body.pictures: children's stories are drawn from their own photos",
        field: 'pictures',
        code: 'one-of',
        params: { allowed: '"photos"' },
      });
    }
    const voice = this.voices().find((v) => v.id === body.voice);
    if (!voice) {
      const allowed = this.voices()
        .map((v) => v.id)
        .join(', ');
      throw invalidField({
        message: `body.voice: no computer offers the voice "${body.voice}"${allowed ? ` (offered: ${allowed})` : ''}`,
        field: 'voice',
        code: 'one-of',
        params: { allowed: allowed || '—' },
      });
    }
    if (voice.language !== body.language) {
      throw invalidField({ message: `body.voice: the voice "${voice.label}" does not speak ${body.language}`, field: 'voice', code: 'invalid' });
    }
    body.photoIds.forEach((id, i) => this.checkPicture(user, id, `photoIds.${i}`));
    body.characters.forEach((c, i) => {
      if (c.refMediaId) this.checkPicture(user, c.refMediaId, `characters.${i}.refMediaId`);
    });
    if (body.pictures === 'photos' && photosOf(body.photoIds, body.characters).length === 0) {
      throw invalidField({
        message: 'body.photoIds: choose at least one photo (or characters with photos) for the pictures',
        field: 'photoIds',
        code: 'too-few',
        params: { limit: 1 },
      });
    }
    const premise = body.premise.trim();
    // The story row is the pipeline's document: the kind finds it by the pipeline's id.
    const pipeline = this.d.pipelines.create(
      user,
      { kind: TELL_STORY, title: `Story: ${premise}`.slice(0, 120), subject: null, input: {}, steps: tellStorySteps(body.scenes, body.pictures) },
      (pipelineId) => {
        this.d.audit.record({ actor: user, action: 'stories.started', ip: actor.ip, detail: { pipeline: pipelineId, scenes: body.scenes, voice: body.voice } });
        this.store.create({
          owner_id: user.id,
          pipeline_id: pipelineId,
          title: premise.slice(0, 120),
          premise,
          characters: body.characters,
          scene_count: body.scenes,
          voice: body.voice,
          language: body.language,
          audience,
          pictures: body.pictures,
          photoIds: body.photoIds,
          created_at: Date.now(),
          // A child sees only what is in the family gallery (see media/visibility.ts).
          privacy: user.role === 'child' ? 'family' : 'private',
        });
      },
    );
    return this.view(this.store.byPipeline(pipeline.id)!);
  }

  view(row: StoryRow): StoryView {
    const pipeline = this.d.pipelines.view(this.d.pipelines.store.get(row.pipeline_id)!);
    return {
      id: row.id,
      title: row.title,
      premise: row.premise,
      characters: JSON.parse(row.characters) as StoryCharacter[],
      sceneCount: row.scene_count,
      voice: row.voice,
      language: row.language,
      audience: row.audience,
      pictures: row.pictures,
      privacy: row.privacy,
      stage: stageOf(row, pipeline),
      scenes: this.store.scenes(row),
      videoId: row.video_id,
      pipeline,
      ownerId: row.owner_id,
      createdAt: row.created_at,
    };
  }

  list(p: Principal, limit: number): StorySummary[] {
    const user = asUser(p);
    return this.store.list(user.id, limit).map((r) => {
      const v = this.view(r);
      return { id: v.id, title: v.title, stage: v.stage, videoId: v.videoId, createdAt: v.createdAt };
    });
  }

  /** The family's edits to the storyboard, before it is approved. */
  saveStoryboard(actor: Actor, id: number, board: StoryboardSave): StoryView {
    const row = this.viewable(actor.principal, id);
    if (stageOf(row, this.d.pipelines.view(this.d.pipelines.store.get(row.pipeline_id)!)) !== 'storyboard')
      throw conflict('The storyboard can be changed only while it waits for approval');
    this.checkBoard(row, board);
    this.d.db.transaction(() => {
      this.d.audit.record({ actor: actor.principal, action: 'stories.storyboard-edited', target: `story:${id}`, ip: actor.ip });
      this.store.amendScenes(id, (scenes) => board.scenes.forEach((s, i) => Object.assign(scenes[i]!, s)), board.title);
    })();
    return this.view(this.store.get(id)!);
  }

  /** Draw and read the storyboard as it is now: the gated steps start. */
  approve(actor: Actor, id: number): StoryView {
    const row = this.viewable(actor.principal, id);
    this.d.pipelines.approve(actor.principal, row.pipeline_id, () =>
      this.d.audit.record({ actor: actor.principal, action: 'stories.approved', target: `story:${id}`, ip: actor.ip, detail: { pipeline: row.pipeline_id } }),
    );
    return this.view(this.store.get(id)!);
  }

  /** Draw one scene again (optionally from new words); the film is made again from it, and the old film leaves the gallery. */
  async redraw(actor: Actor, id: number, scene: number, picturePrompt: string | undefined): Promise<StoryView> {
    const row = this.viewable(actor.principal, id);
    if (scene < 1 || scene > row.scene_count) throw notFound('Scene');
    const old = row.video_id;
    this.d.pipelines.redo(actor.principal, row.pipeline_id, [pictureKey(scene - 1)], () => {
      this.d.audit.record({
        actor: actor.principal,
        action: 'stories.scene-redrawn',
        target: `story:${id}`,
        ip: actor.ip,
        detail: { scene, replacedVideo: old },
      });
      this.store.amendScenes(id, (scenes) => {
        const s = scenes[scene - 1]!;
        s.redraws += 1;
        if (picturePrompt) s.picturePrompt = picturePrompt.trim();
      });
      this.store.setVideo(id, null);
    });
    const video = old ? this.d.media.get(old) : undefined;
    if (video) await this.d.media.delete(video);
    return this.view(this.store.get(id)!);
  }

  /** Who sees the film: the owner, the family, or also the wall display (once its pictures are moderated). */
  setPrivacy(actor: Actor, id: number, privacy: StoryPrivacy): StoryView {
    this.viewable(actor.principal, id);
    if (asUser(actor.principal).role === 'child' && privacy === 'private')
      throw invalidField({
        message: "body.privacy: children's films are kept in the family gallery",
        field: 'privacy',
        code: 'one-of',
        params: { allowed: '"family", "kiosk"' },
      });
    this.d.db.transaction(() => {
      this.d.audit.record({ actor: actor.principal, action: 'stories.shared', target: `story:${id}`, ip: actor.ip, detail: { privacy } });
      this.store.setPrivacy(id, privacy);
      this.shareVideo(this.store.get(id)!);
    })();
    return this.view(this.store.get(id)!);
  }

  /** The pipeline kind that makes a story. */
  kind(): PipelineKind<Record<string, never>> {
    const story = (pipelineId: number) => {
      const row = this.store.byPipeline(pipelineId);
      if (!row) throw new HttpError(400, 'The story was deleted');
      return row;
    };
    return {
      kind: TELL_STORY,

      // A finished story pipeline made the film: "your story is ready", on the story's page.
      page: (pipeline) => {
        const row = this.store.byPipeline(pipeline.id);
        return { name: row?.title ?? pipeline.title, notice: 'storyReady', path: row ? `/stories/${row.id}` : '/stories' };
      },

      jobFor: (step, { pipeline }) => {
        const row = story(pipeline.id);
        const characters = JSON.parse(row.characters) as StoryCharacter[];
        if (step.key === STORY_KEY) {
          const job: JobInput<'text.story'> = {
            premise: row.premise,
            characters: characters.map((c) => ({ name: c.name, description: c.description })),
            scenes: row.scene_count,
            language: row.language,
            audience: row.audience,
          };
          return { input: job, title: `Storyboard: ${row.premise}`.slice(0, 120) };
        }
        const scenes = this.store.scenes(row);
        if (step.key === VIDEO_KEY) {
          const parts = scenes.map((s, i) => {
            if (!s.pictureId || !s.narrationId) throw new HttpError(400, `Scene ${i + 1} has no picture or narration`);
            return { pictureId: s.pictureId, narrationId: s.narrationId, subtitle: s.narration };
          });
          const job: JobInput<'video.compose'> = { scenes: parts, language: row.language, burnSubtitles: false, width: 1280, height: 720 };
          return { input: job, title: `Film: ${row.title}`.slice(0, 120) };
        }
        const i = sceneOf(step.key);
        const scene = scenes[i];
        if (!scene) throw new HttpError(400, `The story has no scene ${i + 1}`);
        if (step.key === voiceKey(i)) {
          const job: JobInput<'audio.speak'> = { text: scene.narration, voice: row.voice, language: row.language };
          return { input: job, title: `Narration of scene ${i + 1}` };
        }
        if (row.pictures === 'photos') {
          const photos = photosOf(JSON.parse(row.photo_ids) as string[], characters).filter((m) => this.d.media.get(m));
          const photo = photos[(i + scene.redraws) % Math.max(photos.length, 1)];
          if (!photo) throw new HttpError(400, "The story's photos were deleted");
          // Drawn again from the same photo, the look changes so the scene does.
          const job: JobInput<'image.comic-look'> = { mediaId: photo, colours: scene.redraws % 2 ? 4 : 16, lines: [0.6, 0.9, 0.3][scene.redraws % 3]! };
          return { input: job, title: `Picture for scene ${i + 1}` };
        }
        const cast = characters.filter((c) => scene.picturePrompt.toLowerCase().includes(c.name.toLowerCase()));
        const prompt = [scene.picturePrompt, ...cast.map((c) => `${c.name}: ${c.description}`), 'picture-book illustration, soft colours']
          .filter(Boolean)
          .join('. ')
          .slice(0, 2000);
        const job: JobInput<'image.generate'> = { prompt, width: 1024, height: 576, steps: 25, seed: row.id * 1000 + i * 10 + scene.redraws };
        return { input: job, title: `Picture for scene ${i + 1}` };
      },

      apply: (step, result, { pipeline, owner }) => {
        const row = story(pipeline.id);
        if (step.key === STORY_KEY) {
          if (!Value.Check(StoryResult, result.data) || result.data.scenes.length !== row.scene_count)
            throw new Error('the story job returned something that is not the asked storyboard');
          const written = result.data;
          this.d.audit.record({ actor: owner, action: 'stories.storyboard-written', target: `story:${row.id}` });
          this.store.amendScenes(
            row.id,
            (scenes) => {
              scenes.splice(0, scenes.length, ...written.scenes.map((s) => ({ ...s, pictureId: null, narrationId: null, redraws: 0 })));
            },
            written.title,
          );
          return;
        }
        const made = result.mediaIds[0];
        if (!made) throw new Error(`step ${step.key} made nothing`);
        if (step.key === VIDEO_KEY) {
          this.d.audit.record({ actor: owner, action: 'stories.film-made', target: `story:${row.id}`, detail: { media: made } });
          this.store.setVideo(row.id, made);
          this.shareVideo(this.store.get(row.id)!);
          return;
        }
        const i = sceneOf(step.key);
        this.store.amendScenes(row.id, (scenes) => {
          if (step.key === pictureKey(i)) scenes[i]!.pictureId = made;
          else scenes[i]!.narrationId = made;
        });
      },
    };
  }

  /** The film takes the story's privacy (its moderation follows its pictures: see JobService.settleDerived). */
  private shareVideo(row: StoryRow): void {
    const m = row.video_id ? this.d.media.get(row.video_id) : undefined;
    if (m && m.privacy !== row.privacy) this.d.media.setPrivacy(m, row.privacy);
  }

  private checkBoard(row: StoryRow, board: StoryboardSave): void {
    if (board.scenes.length !== row.scene_count) {
      const code = board.scenes.length < row.scene_count ? 'too-few' : 'too-many';
      throw invalidField({ message: `body.scenes must have the story's ${row.scene_count} scenes`, field: 'scenes', code, params: { limit: row.scene_count } });
    }
    board.scenes.forEach((s, i) => {
      if (!s.narration.trim())
        throw invalidField({ message: `body.scenes.${i}.narration is empty`, field: `scenes.${i}.narration`, code: 'too-short', params: { limit: 1 } });
      if (!s.picturePrompt.trim())
        throw invalidField({ message: `body.scenes.${i}.picturePrompt is empty`, field: `scenes.${i}.picturePrompt`, code: 'too-short', params: { limit: 1 } });
    });
  }

  /** A picture this person may use: their own, or one the gallery shows them. */
  private checkPicture(user: User, id: string, field: string): void {
    const m = this.d.media.get(id);
    if (!m || !(m.owner_id === user.id || canSee(user, m)) || !m.content_type.startsWith('image/')) {
      throw invalidField({ message: `body.${field}: the picture ${id.slice(0, 12)}… does not exist or is not yours to use`, field, code: 'invalid' });
    }
  }
}

function photosOf(photoIds: string[], characters: StoryCharacter[]): string[] {
  return photoIds.length ? photoIds : characters.map((c) => c.refMediaId).filter((m): m is string => !!m);
}

function stageOf(row: StoryRow, pipeline: StoryView['pipeline']): StoryStage {
  if (pipeline.status === 'cancelled') return 'cancelled';
  if (pipeline.status === 'failed') return 'failed';
  const written = pipeline.steps.find((s) => s.key === STORY_KEY)?.status === 'succeeded' && row.scenes !== '[]';
  if (!written) return 'writing';
  if (pipeline.steps.some((s) => s.awaitingApproval)) return 'storyboard';
  return pipeline.status === 'succeeded' && row.video_id ? 'done' : 'making';
}

function asUser(p: Principal): User {
  if (p.kind !== 'user') throw new HttpError(403, 'Only family members tell stories');
  return p;
}
