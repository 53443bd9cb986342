import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { APPLIANCE_DIR } from '../install-dir.js';

export const DEFAULT_KIOSK_DIST = fileURLToPath(new URL('../kiosk/dist/', APPLIANCE_DIR));
const YEAR_MS = 365 * 24 * 3600_000;

/** The build id of the kiosk bundle on disk: index.html names the hashed bundles, so its hash changes with them. */
export function kioskBuildId(root: string): () => string | null {
  let cached: { mtimeMs: number; id: string } | undefined;
  return () => {
    const file = join(root, 'index.html');
    try {
      const { mtimeMs } = statSync(file);
      if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, id: createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16) };
      return cached.id;
    } catch {
      return null;
    }
  };
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hearth kiosk not built</title></head>
<body style="background:#000;color:#ccc;font:2rem system-ui,sans-serif;display:grid;place-items:center;height:100vh;margin:0">
<p>The Hearth wall display has not been built yet: run <code>npm run build</code> on the appliance.</p></body></html>`;

/**
 * Serves kiosk/dist at /kiosk: hashed files under /kiosk/assets/ cached for good, the page itself
 * revalidated every time (it names the current bundles). Registered encapsulated, like the portal.
 */
export const kioskStatic: FastifyPluginAsync<{ distDir: string }> = async (app, { distDir }) => {
  const root = normalize(distDir);
  await app.register(fastifyStatic, { root, serve: false, wildcard: false });

  const sendIndex = (reply: FastifyReply) => {
    try {
      statSync(join(root, 'index.html'));
    } catch {
      return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
  };

  app.get('/kiosk', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
  app.get('/kiosk/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    // The router has already decoded the path once; decoding again would turn "%25" into a URIError (500).
    const path = (request.params as { '*': string })['*'];
    const relative = normalize(path).replace(/^[/\\]+/, '');
    if (relative === '' || relative === 'index.html') return sendIndex(reply);
    if (relative.split(sep).includes('..') || relative.includes('\0') || !isFile(join(root, relative))) {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `No such file: /kiosk/${path}` });
    }
    return reply.sendFile(relative, root, relative.startsWith('assets/') ? { maxAge: YEAR_MS, immutable: true } : { maxAge: 3600_000 });
  });
};

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
