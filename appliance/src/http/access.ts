import fp from 'fastify-plugin';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PRINCIPAL_NAMES, principalName, type Principal, type PrincipalName } from '@hearth/protocol';
import { HttpError } from './errors.js';

/** Who may call a route: `public`, or the principal names allowed. Every route must say. */
export type Access = 'public' | readonly PrincipalName[];

export const SIGNED_IN_USERS: readonly PrincipalName[] = ['admin', 'member', 'child'];
export const ADULTS: readonly PrincipalName[] = ['admin', 'member'];
export const ADMIN: readonly PrincipalName[] = ['admin'];

export interface RouteRule {
  method: string;
  url: string;
  access: Access;
}

/** How a request proved who it is; CSRF checks apply only to cookie sessions. */
export type AuthMethod = 'none' | 'session' | 'bearer';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** The route checks its own bearer token (Prometheus on /metrics); it is not a device token. */
    ownBearer?: true;
  }
  interface FastifyRequest {
    principal: Principal;
    authMethod: AuthMethod;
  }
  interface FastifyInstance {
    /** Every route with its access rule, in registration order (the matrix test walks it). */
    routeTable: RouteRule[];
  }
}

export interface PrincipalResolver {
  /** Resolve a bearer token to a device principal, or null when it is unknown or revoked. */
  fromBearer(token: string): Principal | null;
  /** Resolve the cookie session to a user principal (or anonymous), ending dead sessions. */
  fromSession(request: FastifyRequest): Promise<Principal>;
  csrfToken(request: FastifyRequest): string | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authentication, authorization and CSRF in one place. Runs in preValidation, so a caller
 * without access gets 401/403 before their body is even looked at.
 */
export const accessControl = fp(async (app: FastifyInstance, opts: { resolver: PrincipalResolver; publicPrefixes?: string[] }) => {
  app.decorate('routeTable', [] as RouteRule[]);
  // Set for every request in preValidation; null only before that hook has run.
  app.decorateRequest('principal', null as never);
  app.decorateRequest('authMethod', 'none');

  app.addHook('onRoute', (route) => {
    // Third-party plugins (the API docs) cannot set a rule of their own; they are named here instead.
    if (!route.config?.access && opts.publicPrefixes?.some((p) => route.url.startsWith(p))) {
      route.config = { ...route.config, access: 'public' };
    }
    const access = route.config?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} has no access rule (config.access)`);
    if (access !== 'public') {
      for (const name of access) if (!PRINCIPAL_NAMES.includes(name)) throw new Error(`route ${route.url}: unknown principal "${name}"`);
    }
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' && route.url !== '/healthz') continue; // Fastify's implicit HEAD twins
      app.routeTable.push({ method, url: route.url, access });
    }
  });

  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = request.headers.authorization;
    if (request.routeOptions.config?.ownBearer) {
      request.principal = { kind: 'anonymous' };
      request.authMethod = 'none';
    } else if (auth !== undefined) {
      const match = /^Bearer ([\x21-\x7e]{10,200})$/.exec(auth);
      const principal = match ? opts.resolver.fromBearer(match[1]!) : null;
      if (!principal) throw new HttpError(401, 'The device token is not valid or has been revoked');
      request.principal = principal;
      request.authMethod = 'bearer';
    } else {
      request.principal = await opts.resolver.fromSession(request);
      request.authMethod = request.principal.kind === 'anonymous' ? 'none' : 'session';
    }

    if (request.is404) return;
    const access = request.routeOptions.config.access;
    if (access === undefined) throw new HttpError(404, 'Not found');
    if (access !== 'public' && !access.includes(principalName(request.principal))) {
      if (request.principal.kind === 'anonymous') throw new HttpError(401, 'Log in first');
      throw new HttpError(403, 'You are not allowed to do this');
    }

    if (!SAFE_METHODS.has(request.method)) checkCsrf(request, opts.resolver);
    void reply;
  });
});

function checkCsrf(request: FastifyRequest, resolver: PrincipalResolver): void {
  // Browsers always send Origin on cross-site POSTs; a foreign one is refused outright.
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== request.host) throw new HttpError(403, 'Cross-site request refused');
  }
  if (request.authMethod !== 'session') return;
  const expected = resolver.csrfToken(request);
  const given = request.headers['x-csrf-token'];
  if (!expected || typeof given !== 'string' || !safeEqual(given, expected)) {
    throw new HttpError(403, 'Missing or wrong CSRF token: reload the page and try again');
  }
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
