// Bundles one Node service (appliance, gpu-agent) into `<workspace>/dist` with esbuild: our own
// TypeScript and the @hearth/* workspaces are compiled into the bundle; every npm package stays an
// import that Node resolves from the production install (`npm ci --omit=dev`), so native addons
// (better-sqlite3, sharp, argon2), packages that read their own files at run time (tfjs .wasm,
// model weights, bee-queue's Lua, pdfkit's fonts, swagger-ui's assets) and pino's worker
// transports keep working untouched.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

/** Bare specifiers: npm packages are external, @hearth/* workspaces are bundled. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@hearth/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * @param {string} workspaceDir absolute path of the workspace
 * @param {Record<string, string>} entries output name in `dist/` (flat, so every bundle sits one level
 *   below the workspace like the modules of `src/` that find files relative to it) -> source file
 */
export async function buildService(workspaceDir, entries) {
  const outdir = join(workspaceDir, 'dist');
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: workspaceDir,
    entryPoints: Object.entries(entries).map(([out, source]) => ({ in: join('src', source), out })),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // Lazily imported modules (the agent's runners) become chunks of their own, so their packages load
    // only when used. Flat in dist/, like the entries (see install-dir.ts).
    splitting: true,
    chunkNames: '[name]-[hash]',
    target: 'node20.19',
    sourcemap: 'linked',
    // Source maps point back at src/ so `node --enable-source-maps` prints TypeScript lines.
    sourceRoot: relative(outdir, workspaceDir),
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [externalPackages],
  });
  await checkDependencies(workspaceDir, result.metafile);
  const bytes = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js')).reduce((n, [, o]) => n + o.bytes, 0);
  console.log(`  built ${relative(process.cwd(), outdir) || outdir}: ${Object.keys(entries).length} entries, ${(bytes / 1024).toFixed(0)} KiB of JS`);
  return result;
}

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * Every package the bundle imports must be a production dependency of the workspace (or of a
 * bundled @hearth/* workspace), or `npm ci --omit=dev` would install a release that cannot start.
 */
async function checkDependencies(workspaceDir, metafile) {
  const manifest = async (dir) => JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  const own = await manifest(workspaceDir);
  const allowed = new Set(Object.keys(own.dependencies ?? {}));
  for (const dep of [...allowed].filter((d) => d.startsWith('@hearth/'))) {
    const dir = join(workspaceDir, '..', dep.slice('@hearth/'.length));
    for (const d of Object.keys((await manifest(dir)).dependencies ?? {})) allowed.add(d);
  }
  const missing = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith('node:') || builtinModules.includes(path)) continue;
      if (!allowed.has(packageName(path))) missing.add(packageName(path));
    }
  }
  if (missing.size) throw new Error(`${own.name}: the build imports ${[...missing].join(', ')}, which ${missing.size > 1 ? 'are' : 'is'} not in its dependencies`);
}
