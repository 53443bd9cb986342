import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AgentVoice, STORY_PRIVACY, StoryboardSave, StoryCreate, StoryRedraw, StorySummary, StoryView, type Principal } from '@hearth/protocol';
import { SIGNED_IN_USERS } from '../http/access.js';
import { StoryService } from './story-service.js';

declare module 'fastify' {
  interface FastifyInstance {
    stories: StoryService;
  }
}

const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

/** The stories API: start one, review and edit its storyboard, approve it, redraw a scene, share the film. */
const storyRoutes: FastifyPluginAsyncTypebox<{ stories: StoryService }> = async (app, { stories }) => {
  const actor = (request: { principal: Principal; ip: string }) => ({ principal: request.principal, ip: request.ip });

  app.get(
    '/api/stories/voices',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['stories'],
        summary: "Voices the family's computers offer for the narration",
        response: { 200: Type.Object({ voices: Type.Array(AgentVoice) }) },
      },
    },
    async () => ({ voices: stories.voices() }),
  );

  app.get(
    '/api/stories',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['stories'],
        summary: 'Your stories, newest first',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 30 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ stories: Type.Array(StorySummary) }) },
      },
    },
    async (request) => ({ stories: stories.list(request.principal, request.query.limit) }),
  );

  app.post(
    '/api/stories',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['stories'],
        summary: 'Tell a story: the storyboard is written first and waits for your approval',
        body: StoryCreate,
        response: { 201: StoryView },
      },
    },
    async (request, reply) => reply.code(201).send(stories.create(actor(request), request.body)),
  );

  app.get(
    '/api/stories/:id',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['stories'],
        summary: 'A story: its storyboard, what was made of it, and the progress of each step',
        params: IdParam,
        response: { 200: StoryView },
      },
    },
    async (request, reply) => reply.header('cache-control', 'no-store').send(stories.view(stories.viewable(request.principal, request.params.id))),
  );

  app.put(
    '/api/stories/:id/storyboard',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['stories'],
        summary: "Change the title and the scenes' narration and picture prompts before approving",
        params: IdParam,
        body: StoryboardSave,
        response: { 200: StoryView },
      },
    },
    async (request) => stories.saveStoryboard(actor(request), request.params.id, request.body),
  );

  app.post(
    '/api/stories/:id/approve',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['stories'],
        summary: 'Approve the storyboard: the pictures, the narration and then the film are made',
        params: IdParam,
        response: { 200: StoryView },
      },
    },
    async (request) => stories.approve(actor(request), request.params.id),
  );

  app.post(
    '/api/stories/:id/scenes/:scene/redraw',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['stories'],
        summary: "Draw one scene's picture again (optionally from new words); the film is made again",
        params: Type.Object({ id: Type.Integer({ minimum: 1 }), scene: Type.Integer({ minimum: 1, maximum: 8 }) }, { additionalProperties: false }),
        body: StoryRedraw,
        response: { 200: StoryView },
      },
    },
    async (request) => stories.redraw(actor(request), request.params.id, request.params.scene, request.body.picturePrompt),
  );

  app.put(
    '/api/stories/:id/privacy',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['stories'],
        summary: 'Who sees the film: you, the family, or also the wall display',
        params: IdParam,
        body: Type.Object({ privacy: Type.Union(STORY_PRIVACY.map((p) => Type.Literal(p))) }, { additionalProperties: false }),
        response: { 200: StoryView },
      },
    },
    async (request) => stories.setPrivacy(actor(request), request.params.id, request.body.privacy),
  );
};

/** Narrated stories: a pipeline from a premise to a film, with the storyboard approved on the way. */
export const storiesPlugin = fp(
  async (app: FastifyInstance) => {
    const stories = new StoryService({ db: app.db, audit: app.audit, media: app.media, pipelines: app.pipelines, agents: app.agents });
    app.decorate('stories', stories);
    app.pipelines.register(stories.kind());
    app.accountExport.add('stories', (userId) => stories.store.idsOwnedBy(userId).map((id) => stories.view(stories.store.get(id)!)));
    await app.register(storyRoutes, { stories });
  },
  { name: 'hearth-stories', dependencies: ['hearth-pipelines', 'hearth-media', 'hearth-jobs'] },
);
