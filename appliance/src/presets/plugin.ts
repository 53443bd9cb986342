import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { JobView, PresetView, SafeName, type Principal } from '@hearth/protocol';
import { ADMIN } from '../http/access.js';
import { HttpError, conflict, notFound } from '../http/errors.js';
import { validateJobInput } from '../jobs/job-input.js';
import type { JobService } from '../jobs/job-service.js';
import { PresetStore } from './preset-store.js';

declare module 'fastify' {
  interface FastifyInstance {
    presets: Presets;
  }
}

/** Presets and running them; `runPreset` is what the Home Assistant button calls too. */
export class Presets {
  constructor(
    readonly store: PresetStore,
    private readonly jobs: JobService,
  ) {}

  /** Run preset `id` as a job owned by `principal` (an admin, or the home-assistant device). */
  async runPreset(id: number, principal: Principal): Promise<JobView> {
    const preset = this.store.get(id);
    if (!preset) throw notFound('Preset');
    return this.jobs.submit(principal, { type: preset.type, input: preset.input, title: preset.name }, { presetId: preset.id });
  }
}

const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

const presetRoutes: FastifyPluginAsyncTypebox<{ presets: Presets }> = async (app, { presets }) => {
  app.get(
    '/api/admin/presets',
    {
      config: { access: ADMIN },
      schema: { tags: ['presets'], summary: 'Job presets', response: { 200: Type.Object({ presets: Type.Array(PresetView) }) } },
    },
    async () => ({ presets: presets.store.list() }),
  );

  app.post(
    '/api/admin/presets',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['presets'],
        summary: 'Define a job preset',
        body: Type.Object(
          { name: SafeName({ maxLength: 60 }), type: Type.String({ minLength: 1, maxLength: 40 }), input: Type.Record(Type.String(), Type.Unknown()) },
          { additionalProperties: false },
        ),
        response: { 201: PresetView },
      },
    },
    async (request, reply) => {
      const { type, input } = validateJobInput(request.body.type, request.body.input);
      // The preset and its audit entry are written together: neither exists without the other.
      const created = app.db.transaction(() => {
        const row = presets.store.create({
          name: request.body.name.trim(),
          type,
          input,
          createdBy: request.principal.kind === 'user' ? request.principal.id : null,
        });
        if (row)
          app.audit.record({
            actor: request.principal,
            action: 'presets.created',
            target: `preset:${row.id}`,
            ip: request.ip,
            detail: { name: row.name, type },
          });
        return row;
      })();
      if (!created) throw conflict(`A preset named "${request.body.name}" exists already`);
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/admin/presets/:id',
    {
      config: { access: ADMIN },
      schema: { tags: ['presets'], summary: 'Delete a job preset', params: IdParam },
    },
    async (request, reply) => {
      const before = presets.store.get(request.params.id);
      if (!before || !presets.store.delete(request.params.id)) throw notFound('Preset');
      app.audit.record({ actor: request.principal, action: 'presets.deleted', target: `preset:${before.id}`, ip: request.ip, detail: { name: before.name } });
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/presets/:id/run',
    {
      config: { access: ['admin', 'home-assistant'] },
      schema: { tags: ['presets'], summary: 'Run a preset now (a job owned by the caller)', params: IdParam, response: { 201: JobView } },
    },
    async (request, reply) => {
      if (request.principal.kind === 'anonymous') throw new HttpError(401, 'Log in first');
      const job = await presets.runPreset(request.params.id, request.principal);
      app.audit.record({ actor: request.principal, action: 'presets.run', target: `job:${job.id}`, ip: request.ip, detail: { preset: request.params.id } });
      return reply.code(201).send(job);
    },
  );
};

export const presetsPlugin = fp(
  async (app: FastifyInstance) => {
    const presets = new Presets(new PresetStore(app.db), app.jobs);
    app.decorate('presets', presets);
    await app.register(presetRoutes, { presets });
  },
  { name: 'hearth-presets', dependencies: ['hearth-jobs'] },
);
