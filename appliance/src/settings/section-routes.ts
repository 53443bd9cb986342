import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ADMIN } from '../http/access.js';
import { invalidField } from '../http/errors.js';
import { DEFAULT_JOB_SETTINGS, DEFAULT_WAKE_ON_LAN, type JobSettings, type WakeOnLanSettings } from './schema.js';

// A type list, not anyOf: with the app's type coercion, anyOf [integer, null] would turn null into 0.
const DailyLimit = Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 0, maximum: 100_000, description: 'jobs per day; null = unlimited' });

/** The app coerces types, which would read "" as null (unlimited): a limit must come as a number or null. */
async function refuseTextLimits(request: { body: unknown }): Promise<void> {
  const body = request.body;
  if (!body || typeof body !== 'object') return;
  for (const [field, value] of Object.entries(body)) {
    if (typeof value === 'string') throw invalidField({ message: `body.${field} must be a whole number or null, not text`, field, code: 'type' });
  }
}

/** Jobs each role may submit per local day. */
export const QuotaSettingsBody = Type.Object({ admin: DailyLimit, member: DailyLimit, child: DailyLimit }, { additionalProperties: false });

const MAC = '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$';

export const WakeOnLanBody = Type.Object(
  {
    // Stricter than the stored section, which also takes names: the form asks for a dotted IPv4 address.
    broadcastAddress: Type.String({ maxLength: 15, format: 'ipv4', description: 'IPv4 broadcast address, e.g. 192.168.1.255' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'UDP port; 9 when left out' })),
    extraTargets: Type.Array(Type.String({ maxLength: 17, pattern: MAC, description: 'MAC, lowercase colon form' }), { maxItems: 16, uniqueItems: true }),
  },
  { additionalProperties: false },
);

const LearnedTarget = Type.Object({ mac: Type.String(), agentId: Type.String(), name: Type.String() });
export const WakeOnLanView = Type.Object({
  broadcastAddress: Type.String(),
  port: Type.Integer(),
  extraTargets: Type.Array(Type.String()),
  /** MACs announced by agents: always woken, not editable here. */
  learnedTargets: Type.Array(LearnedTarget),
});

export interface SettingsSectionOptions {
  /** MACs the agents announced, with the agent that did. */
  learnedTargets(): Array<Static<typeof LearnedTarget>>;
}

/**
 * The `jobs` quotas and `wakeOnLan` sections as forms for admins. The job service and the waker
 * read their section on every use, so a saved change applies to the next job or wake packet.
 */
export const settingsSectionRoutes: FastifyPluginAsyncTypebox<SettingsSectionOptions> = async (app, opts) => {
  const quotas = (): JobSettings['quotas'] => app.settings.section<JobSettings>('jobs', DEFAULT_JOB_SETTINGS).quotas;
  const wakeOnLan = (): WakeOnLanSettings => app.settings.section<WakeOnLanSettings>('wakeOnLan', DEFAULT_WAKE_ON_LAN);
  const wakeView = (cfg: WakeOnLanSettings) => ({ ...cfg, learnedTargets: opts.learnedTargets() });

  app.get(
    '/api/admin/settings/quotas',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Daily job quotas per role (null = unlimited)', response: { 200: QuotaSettingsBody } },
    },
    async () => quotas(),
  );

  app.put(
    '/api/admin/settings/quotas',
    {
      config: { access: ADMIN },
      preValidation: refuseTextLimits,
      schema: { tags: ['admin'], summary: 'Change the daily job quotas', body: QuotaSettingsBody, response: { 200: QuotaSettingsBody } },
    },
    async (request) => {
      const before = quotas();
      const saved = await app.settings.update((s) => {
        s.jobs = { ...s.jobs, quotas: request.body };
      });
      const after = saved.jobs!.quotas;
      app.audit.record({ actor: request.principal, action: 'settings.changed', target: 'settings:jobs.quotas', ip: request.ip, detail: { before, after } });
      return after;
    },
  );

  const JobWaiting = Type.Object(
    { queueWithoutComputer: Type.Boolean({ description: 'accept jobs no known computer has ever offered to run (they wait); false: refuse them' }) },
    { additionalProperties: false },
  );
  const jobWaiting = () => ({ queueWithoutComputer: app.settings.section<JobSettings>('jobs', DEFAULT_JOB_SETTINGS).queueWithoutComputer ?? false });

  app.get(
    '/api/admin/settings/job-waiting',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Whether jobs no computer can run are refused or wait', response: { 200: JobWaiting } },
    },
    async () => jobWaiting(),
  );

  app.put(
    '/api/admin/settings/job-waiting',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Refuse jobs no computer can run, or let them wait', body: JobWaiting, response: { 200: JobWaiting } },
    },
    async (request) => {
      app.audit.record({
        actor: request.principal,
        action: 'settings.changed',
        target: 'settings:jobs.queueWithoutComputer',
        ip: request.ip,
        detail: { before: jobWaiting(), after: request.body },
      });
      await app.settings.update((s) => {
        s.jobs = { quotas: DEFAULT_JOB_SETTINGS.quotas, ...s.jobs, queueWithoutComputer: request.body.queueWithoutComputer };
      });
      return jobWaiting();
    },
  );

  app.get(
    '/api/admin/settings/wake-on-lan',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Where Wake-on-LAN packets go, and to which MACs', response: { 200: WakeOnLanView } },
    },
    async () => wakeView(wakeOnLan()),
  );

  app.put(
    '/api/admin/settings/wake-on-lan',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Change the Wake-on-LAN address, port and extra MACs', body: WakeOnLanBody, response: { 200: WakeOnLanView } },
    },
    async (request) => {
      const before = wakeOnLan();
      const next: WakeOnLanSettings = {
        broadcastAddress: request.body.broadcastAddress,
        port: request.body.port ?? DEFAULT_WAKE_ON_LAN.port,
        extraTargets: request.body.extraTargets,
      };
      const saved = await app.settings.update((s) => {
        s.wakeOnLan = next;
      });
      const after = saved.wakeOnLan!;
      app.audit.record({ actor: request.principal, action: 'settings.changed', target: 'settings:wakeOnLan', ip: request.ip, detail: { before, after } });
      return wakeView(after);
    },
  );
};
