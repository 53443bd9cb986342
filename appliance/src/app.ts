import Fastify, { type FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import cookie from '@fastify/cookie';
import session from '@fastify/session';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Db } from './db/database.js';
import type { SettingsStore } from './settings/settings-store.js';
import { Users } from './accounts/users.js';
import { AccountLinks } from './accounts/account-links.js';
import { DEFAULT_THROTTLE, LoginThrottle, type ThrottlePolicy } from './accounts/login-throttle.js';
import { AccountExport } from './accounts/account-export.js';
import { PasswordPolicy } from './accounts/password-policy.js';
import { authRoutes } from './accounts/auth-routes.js';
import { meRoutes } from './accounts/me-routes.js';
import { adminUserRoutes } from './accounts/admin-routes.js';
import { Devices } from './devices/device-tokens.js';
import { deviceRoutes } from './devices/routes.js';
import { AuditLog } from './audit/audit-log.js';
import { auditRoutes } from './audit/routes.js';
import { SqliteSessionStore } from './sessions/sqlite-session-store.js';
import { DEFAULT_SESSION_POLICY, Sessions, type SessionPolicy } from './sessions/sessions.js';
import { accessControl } from './http/access.js';
import { HttpError, badRequest, invalidField } from './http/errors.js';
import { fieldErrorFromAjv } from './http/field-errors.js';
import { statusErrorCode, type ErrorView } from '@hearth/protocol';
import { MAX_JSON_DEPTH, jsonDepthExceeds } from './http/json-depth.js';
import { diskFull, isDiskFull } from './http/disk-full.js';
import { DEFAULT_MIN_FREE_BYTES, diskSpaceCheck } from './health/disk-space.js';
import { dirname } from 'node:path';
import { settingsRoutes } from './settings/routes.js';
import { Readiness } from './health/readiness.js';
import { healthRoutes } from './health/routes.js';
import { metricsPlugin } from './metrics/metrics.js';
import type { Logger } from 'pino';
import type { TrustProxy } from './config.js';
import { DomainBus } from './bus/domain-bus.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    settings: SettingsStore;
    users: Users;
    links: AccountLinks;
    devices: Devices;
    audit: AuditLog;
    sessions: Sessions;
    throttle: LoginThrottle;
    accountExport: AccountExport;
    readiness: Readiness;
    passwordPolicy: PasswordPolicy;
    /** The typed domain event bus: capabilities publish what happened and subscribe to what concerns them. */
    bus: DomainBus;
  }
}

export interface AppOptions {
  db: Db;
  settings: SettingsStore;
  version: string;
  trustProxy?: TrustProxy;
  /** Bearer token for /metrics; unset: only loopback callers. */
  metricsToken?: string;
  publicUrl?: string;
  /** The appliance's pino logger (secrets redacted); none means silence. */
  logger?: Logger;
  sessionPolicy?: SessionPolicy;
  throttlePolicy?: ThrottlePolicy;
  /** The login throttle's clock (tests move it instead of sleeping); default `Date.now`. */
  throttleClock?: () => number;
  /** The sessions' clock (idle and absolute expiry); default `Date.now`. */
  sessionClock?: () => number;
  /** /readyz fails below this much free space on the data disk (default 16 MiB). */
  minFreeBytes?: number;
  /** New passwords' rules beyond length (default: the shipped common-password list). */
  passwordPolicy?: PasswordPolicy;
  /** The domain event bus (tests pass one to watch events); default: a new one that logs failing listeners. */
  bus?: DomainBus;
  /** Capabilities beyond the core (jobs, home assistant, kiosk…), registered after it. */
  capabilities?: Array<(app: HearthApp) => Promise<void>>;
}

export type HearthApp = FastifyInstance & { withTypeProvider(): FastifyInstance };

const JSON_BODY_LIMIT = 64 * 1024;

/** The appliance's HTTP service: core services decorated, every route behind an access rule. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    trustProxy: fastifyTrustProxy(opts.trustProxy ?? false),
    bodyLimit: JSON_BODY_LIMIT,
    // Unknown fields are rejected (schemas say additionalProperties: false), not silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    routerOptions: { ignoreTrailingSlash: true },
    // The one producer of field errors (http/field-errors.ts); the error handler sends field and code along.
    schemaErrorFormatter: (errors, dataVar) => invalidField(fieldErrorFromAjv(errors, dataVar)),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON as Fastify parses it (prototype poisoning refused), after a depth check that needs no stack.
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepthExceeds(String(body))) return done(badRequest(`body nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep`), undefined);
    void parseJson(request, String(body), done);
  });

  const { db, settings } = opts;
  const bus = opts.bus ?? new DomainBus((event, err) => opts.logger?.error({ err, event }, 'a domain event listener failed'));
  const users = new Users(db);
  const devices = new Devices(db);
  const store = new SqliteSessionStore(db, (opts.sessionPolicy ?? DEFAULT_SESSION_POLICY).idleMs, opts.sessionClock);
  const sessions = new Sessions(users, devices, store, bus, opts.sessionPolicy ?? DEFAULT_SESSION_POLICY, opts.sessionClock);
  const readiness = new Readiness();
  readiness.add('sqlite', () => db.prepare('SELECT 1 AS ok').get() !== undefined);
  if (db.name !== ':memory:') readiness.add('disk', diskSpaceCheck(dirname(db.name), opts.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES));

  app.decorate('bus', bus);
  app.decorate('db', db);
  app.decorate('settings', settings);
  app.decorate('users', users);
  app.decorate('links', new AccountLinks(db));
  app.decorate('devices', devices);
  app.decorate('audit', new AuditLog(db));
  app.decorate('sessions', sessions);
  app.decorate('throttle', new LoginThrottle(db, opts.throttlePolicy ?? DEFAULT_THROTTLE, opts.throttleClock));
  app.decorate('accountExport', new AccountExport());
  app.decorate('readiness', readiness);
  app.decorate('passwordPolicy', opts.passwordPolicy ?? PasswordPolicy.load());

  app.setErrorHandler((caught: Error & { statusCode?: number; headers?: Record<string, string>; code?: string }, request, reply) => {
    // A full disk is the family's to fix, not a crash: say what to do (SQLite rolled the change back).
    let err = caught;
    if (isDiskFull(caught)) {
      request.log.warn({ err: caught.message }, 'disk full');
      err = diskFull('this change');
    }
    const status = err.statusCode ?? 500;
    // Deliberate errors (HttpError, Fastify's 4xx) carry a message for people; anything else stays in the log.
    const unexpected = status >= 500 && !(err instanceof HttpError);
    if (unexpected) request.log.error({ err }, 'request failed');
    if (err.headers) reply.headers(err.headers);
    const fieldError = err instanceof HttpError ? err.fieldError : undefined;
    const body: ErrorView = {
      statusCode: status,
      error: httpReason(status),
      message: unexpected ? 'Something went wrong on the appliance; the details are in its log' : err.message,
      code: fieldError?.code ?? (err instanceof HttpError ? err.code : undefined) ?? statusErrorCode(status),
    };
    if (fieldError) body.field = fieldError.field;
    if (fieldError?.params) body.params = fieldError.params;
    reply.code(status).send(body);
  });
  app.setNotFoundHandler({ preValidation: async () => undefined }, async (request, reply) =>
    reply.code(404).send({
      statusCode: 404,
      error: 'Not Found',
      message: `No such page: ${request.method} ${request.url.split('?')[0]}`,
      code: 'not-found',
    } satisfies ErrorView),
  );

  const offSettings = settings.onChange((section) => bus.emit('settings.changed', { section }));
  app.addHook('onClose', async () => offSettings());

  const sweep = setInterval(() => {
    try {
      store.sweepExpired();
    } catch (err) {
      opts.logger?.warn({ err: (err as Error).message }, 'could not sweep expired sessions; will try again');
    }
  }, 3600_000);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // Plain-HTTP LAN installs are normal; HSTS would lock a family out of their own box.
    strictTransportSecurity: false,
  });
  await app.register(cookie);
  await app.register(session, {
    secret: settings.get().secrets.sessionSecret,
    cookieName: 'hearth_session',
    store,
    saveUninitialized: false,
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/', maxAge: (opts.sessionPolicy ?? DEFAULT_SESSION_POLICY).absoluteMs },
  });
  await app.register(accessControl, { resolver: sessions, publicPrefixes: ['/api/docs'] });
  await app.register(metricsPlugin, { token: opts.metricsToken });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Hearth appliance API',
        version: opts.version,
        description: 'The family home-lab appliance. Cookie sessions for people (send x-csrf-token on changes), bearer tokens for devices.',
      },
      components: { securitySchemes: { device: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'hearth_session' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  await app.register(healthRoutes, { version: opts.version });
  await app.register(authRoutes);
  await app.register(meRoutes);
  await app.register(adminUserRoutes, { publicUrl: opts.publicUrl });
  await app.register(deviceRoutes);
  await app.register(auditRoutes);
  await app.register(settingsRoutes);
  for (const capability of opts.capabilities ?? []) await capability(app as unknown as HearthApp);

  return app as unknown as FastifyInstance;
}

/**
 * A hop count becomes "the first N hops counted from this server" (this Fastify treats a bare number
 * as trusting nothing); addresses stay addresses. Never `true`, which would trust every hop.
 */
function fastifyTrustProxy(tp: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof tp === 'number') return tp === 0 ? false : (_address, hop) => hop < tp;
  return tp;
}

function httpReason(status: number): string {
  return (
    (
      {
        400: 'Bad Request',
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'Not Found',
        409: 'Conflict',
        410: 'Gone',
        413: 'Payload Too Large',
        415: 'Unsupported Media Type',
        429: 'Too Many Requests',
        503: 'Service Unavailable',
        507: 'Insufficient Storage',
      } as Record<number, string>
    )[status] ?? 'Error'
  );
}
