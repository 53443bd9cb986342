// Bundles one Node service (appliance, gpu-agent) into `<workspace>/dist` with esbuild: our own
// TypeScript, the @hearth/* workspaces and the pure-JavaScript npm packages become a few files
// (Node would otherwise resolve and compile hundreds of modules at every start: TypeBox alone is
// 249 ESM files). Packages that cannot live in a bundle stay imports that Node resolves from the
// production install (`npm ci --omit=dev`): see KEEP_EXTERNAL.
import { build } from 'esbuild';
import { copyFile, readFile, rm, stat } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { basename, join, relative } from 'node:path';

/**
 * Native addons, packages that read their own files or start workers from their own folder at
 * run time, and optional peers that may be absent. Everything else is bundled.
 */
export const KEEP_EXTERNAL = [
  // native addons
  'better-sqlite3',
  'better-sqlite3-napi',
  'sharp',
  '@node-rs/argon2',
  'node-llama-cpp',
  // read their own files or spawn workers from their folder
  'bee-queue',
  'pino',
  'pino-pretty',
  'thread-stream',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  '@fastify/static',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-core',
  'nsfwjs',
  '@upscalerjs/esrgan-slim',
  'pdfkit',
  'fontkit',
  'dejavu-fonts-ttf',
  'node-llama-cpp',
  // import()s a CommonJS package at run time: a split chunk would hand it only `default`
  '@fastify/cookie',
];
/** Optional peers that bundled packages probe for (inside try/catch) and we do not install. */
const OPTIONAL_PEERS = ['@opentelemetry/api', 'bufferutil', 'utf-8-validate', 'osx-temperature-sensor', 'macos-temperature-sensor'];

const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Bare specifiers of KEEP_EXTERNAL packages stay imports; the rest is bundled. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || builtinModules.includes(args.path)) return { path: args.path, external: true };
      const name = packageName(args.path);
      return KEEP_EXTERNAL.includes(name) || OPTIONAL_PEERS.includes(name) ? { path: args.path, external: true } : undefined;
    });
  },
};

// Bundled CommonJS code calls require() for Node's own modules; an ES module has none of its own.
const REQUIRE_SHIM = "import { createRequire as __hearthCreateRequire } from 'node:module'; const require = __hearthCreateRequire(import.meta.url);";

/**
 * @param {string} workspaceDir absolute path of the workspace
 * @param {Record<string, string>} entries output name in `dist/` (flat, so every bundle sits one level
 *   below the workspace like the modules of `src/` that find files relative to it) -> source file
 * @param {string[]} assets data files under `src/` that a module reads beside itself
 *   (`new URL('./x', import.meta.url)`): copied flat into `dist/`, where the bundle looks for them
 */
export async function buildService(workspaceDir, entries, assets = []) {
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
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    metafile: true,
    banner: { js: REQUIRE_SHIM },
    plugins: [externalPackages],
  });
  for (const asset of assets) await copyFile(join(workspaceDir, 'src', asset), join(outdir, basename(asset)));
  await checkDependencies(workspaceDir, result.metafile);
  checkPackageChunks(result.metafile);
  await checkBesideFiles(outdir, result.metafile);
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([f]) => f.endsWith('.js'))
    .reduce((n, [, o]) => n + o.bytes, 0);
  console.log(`  built ${relative(process.cwd(), outdir) || outdir}: ${Object.keys(entries).length} entries, ${(bytes / 1024).toFixed(0)} KiB of JS`);
  return result;
}

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
      if (!external || path.startsWith('node:') || builtinModules.includes(path) || OPTIONAL_PEERS.includes(packageName(path))) continue;
      if (!allowed.has(packageName(path))) missing.add(packageName(path));
    }
  }
  if (missing.size)
    throw new Error(`${own.name}: the build imports ${[...missing].join(', ')}, which ${missing.size > 1 ? 'are' : 'is'} not in its dependencies`);
}

/**
 * A package's own `import()` of a CommonJS module, once split into a chunk, yields only `default`
 * (esbuild), where Node would give named exports too: such a package must stay external.
 */
function checkPackageChunks(metafile) {
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, kind, external } of output.imports) {
      if (kind !== 'dynamic-import' || external) continue;
      const entry = metafile.outputs[path]?.entryPoint ?? '';
      if (entry.includes('node_modules/')) throw new Error(`a bundled package import()s ${entry}: add that package or its importer to KEEP_EXTERNAL`);
    }
  }
}

/** Files the bundle reads beside itself (`new URL('./x', import.meta.url)`) must be in dist/: see `assets`. */
async function checkBesideFiles(outdir, metafile) {
  for (const file of Object.keys(metafile.outputs).filter((f) => f.endsWith('.js'))) {
    // Output paths are relative to the workspace (esbuild's working directory).
    const code = await readFile(join(outdir, '..', file), 'utf8');
    for (const [, name] of code.matchAll(/new URL\("\.\/([^"/]+)", import\.meta\.url\)/g)) {
      if (!(await stat(join(outdir, name)).catch(() => null))) throw new Error(`${file} reads ./${name} beside itself: list it in the build's assets`);
    }
  }
}
