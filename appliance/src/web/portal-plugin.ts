import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { notBuiltPage } from './not-built-page.js';
import { APPLIANCE_DIR } from '../install-dir.js';

export interface PortalOptions {
  /** The Vite output folder (default: appliance/web/dist). */
  distDir?: string;
}

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('web/dist/', APPLIANCE_DIR));

const YEAR_S = 365 * 24 * 3600;
/** Files whose name never changes but whose content does: revalidated on every use so updates reach installed apps. */
const REVALIDATED = new Set(['/sw.js', '/offline.html', '/manifest.webmanifest', '/manifest.pl.webmanifest']);
/** Extensions of files a browser fetches as such; other paths (even "/jobs/new/image.upscale") are client routes. */
const STATIC_FILE = /^\.(js|mjs|css|map|json|png|jpe?g|gif|webp|svg|ico|txt|woff2?|webmanifest)$/i;

/**
 * Serves the family portal built by Vite: hashed files under /assets/ are cached forever, every
 * other path that is not a file is a client route and gets index.html (never for /api/*).
 * If the portal was not built, people get a page that says how to build it instead of a 404.
 */
export const portalPlugin: FastifyPluginAsync<PortalOptions> = async (app, opts) => {
  const root = normalize(opts.distDir ?? DEFAULT_DIST_DIR);
  // Only reply.sendFile: our own routes carry the access rule that @fastify/static's would lack.
  await app.register(fastifyStatic, { root, serve: false, wildcard: false });

  const isBuilt = () => existsSync(join(root, 'index.html'));

  const sendIndex = (reply: FastifyReply) => {
    if (!isBuilt()) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(notBuiltPage());
    // index.html names the current hashed bundles, so it must be revalidated on every visit.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
  };

  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => sendIndex(reply));

  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const path = decodedPath(request.url.split('?')[0]!);
    if (path === null) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: 'The address has a broken %-escape' });
    if (path === '/api' || path.startsWith('/api/')) {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `No such page: ${request.method} ${path}` });
    }
    const file = fileInside(root, path);
    if (file) {
      if (REVALIDATED.has(path)) return reply.header('cache-control', 'no-cache').sendFile(file, root, { cacheControl: false });
      const hashed = path.startsWith('/assets/');
      return reply.sendFile(file, root, hashed ? { maxAge: YEAR_S * 1000, immutable: true } : { maxAge: 3600 * 1000 });
    }
    // A missing asset is a 404, not the app shell: HTML served as a script only confuses the browser.
    if (path.startsWith('/assets/') || STATIC_FILE.test(extname(path))) {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `No such file: ${path}` });
    }
    return sendIndex(reply);
  });
};

function decodedPath(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** The relative path of a regular file under root that `urlPath` names, or undefined. */
function fileInside(root: string, urlPath: string): string | undefined {
  const relative = normalize(urlPath).replace(/^[/\\]+/, '');
  if (relative === '' || relative.split(sep).includes('..') || relative.includes('\0')) return undefined;
  const full = join(root, relative);
  if (!full.startsWith(root)) return undefined;
  try {
    return statSync(full).isFile() ? relative : undefined;
  } catch {
    return undefined;
  }
}
