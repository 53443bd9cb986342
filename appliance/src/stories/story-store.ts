import type { StoryCharacter, StoryPictures, StoryPrivacy, StorySceneView } from '@hearth/protocol';
import type { Db } from '../db/database.js';

export interface StoryRow {
  id: number;
  owner_id: number;
  pipeline_id: number;
  title: string;
  premise: string;
  characters: string;
  scene_count: number;
  voice: string;
  language: 'en' | 'pl';
  audience: 'child' | 'family';
  pictures: StoryPictures;
  photo_ids: string;
  privacy: StoryPrivacy;
  scenes: string;
  video_id: string | null;
  created_at: number;
}

export type NewStory = Omit<StoryRow, 'id' | 'scenes' | 'video_id' | 'characters' | 'photo_ids'> & { characters: StoryCharacter[]; photoIds: string[] };

/** The stories table; a story's scenes (storyboard and what was made of it) are one JSON column. */
export class StoryStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert:
        db.prepare(`INSERT INTO stories (owner_id, pipeline_id, title, premise, characters, scene_count, voice, language, audience, pictures, photo_ids, privacy, created_at)
                          VALUES (@owner_id, @pipeline_id, @title, @premise, @characters, @scene_count, @voice, @language, @audience, @pictures, @photo_ids, @privacy, @created_at)`),
      get: db.prepare<[number], StoryRow>('SELECT * FROM stories WHERE id = ?'),
      byPipeline: db.prepare<[number], StoryRow>('SELECT * FROM stories WHERE pipeline_id = ?'),
      mine: db.prepare<[number, number], StoryRow>('SELECT * FROM stories WHERE owner_id = ? ORDER BY id DESC LIMIT ?'),
      all: db.prepare<[number], StoryRow>('SELECT * FROM stories ORDER BY id DESC LIMIT ?'),
      setBoard: db.prepare('UPDATE stories SET title = ?, scenes = ? WHERE id = ?'),
      setVideo: db.prepare('UPDATE stories SET video_id = ? WHERE id = ?'),
      setPrivacy: db.prepare('UPDATE stories SET privacy = ? WHERE id = ?'),
      ownedBy: db.prepare<[number], number>('SELECT id FROM stories WHERE owner_id = ? ORDER BY id').pluck(),
    };
  }

  create(s: NewStory): number {
    const { characters, photoIds, ...rest } = s;
    return Number(this.s.insert.run({ ...rest, characters: JSON.stringify(characters), photo_ids: JSON.stringify(photoIds) }).lastInsertRowid);
  }

  get(id: number): StoryRow | undefined {
    return this.s.get.get(id);
  }

  byPipeline(pipelineId: number): StoryRow | undefined {
    return this.s.byPipeline.get(pipelineId);
  }

  list(ownerId: number | null, limit: number): StoryRow[] {
    return ownerId === null ? this.s.all.all(limit) : this.s.mine.all(ownerId, limit);
  }

  scenes(row: StoryRow): StorySceneView[] {
    return JSON.parse(row.scenes) as StorySceneView[];
  }

  /** Change the scenes as they are now (read inside the caller's transaction). */
  amendScenes(id: number, change: (scenes: StorySceneView[]) => void, title?: string): void {
    const row = this.get(id)!;
    const scenes = this.scenes(row);
    change(scenes);
    this.s.setBoard.run(title ?? row.title, JSON.stringify(scenes), id);
  }

  setVideo(id: number, mediaId: string | null): void {
    this.s.setVideo.run(mediaId, id);
  }

  setPrivacy(id: number, privacy: StoryPrivacy): void {
    this.s.setPrivacy.run(privacy, id);
  }

  idsOwnedBy(userId: number): number[] {
    return this.s.ownedBy.all(userId);
  }
}
