import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function run(cmd: string, args: string[], cwd: string): Promise<void> {
  try {
    await exec(cmd, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' }, maxBuffer: 64 << 20 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}

/** `npm run release` of this checkout (it builds first) into `out`. */
export async function buildRelease(out: string): Promise<void> {
  await run('npm', ['run', 'release', '--silent', '--', '--out', out], REPO);
}

/**
 * Unpacks a release into `dir` and installs what the installers install: `npm ci --omit=dev` for
 * the given workspaces, from the local npm cache. Native addons that compile at install time
 * (better-sqlite3 on Node 20) are taken from the development install's build of the very same
 * version instead: compiling SQLite again would cost CI minutes and prove nothing about the
 * release. Returns the packages whose build was reused.
 */
export async function installRelease(tarball: string, dir: string, workspaces: string[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], dir);
  await run(
    'npm',
    ['ci', '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', ...workspaces.flatMap((w) => ['--workspace', w])],
    dir,
  );
  const modules = join(dir, 'node_modules');
  const reused: string[] = [];
  const version = async (d: string) => (JSON.parse(await readFile(join(d, 'package.json'), 'utf8')) as { version: string }).version;
  for (const name of await readdir(modules)) {
    const pkg = join(modules, name);
    const built = join(pkg, 'build', 'Release');
    if (!(await stat(join(pkg, 'binding.gyp')).catch(() => null)) || (await stat(built).catch(() => null))) continue;
    const from = join(REPO, 'node_modules', name);
    if ((await version(pkg)) !== (await version(from))) throw new Error(`${name}: the release pins another version than the development install`);
    await mkdir(built, { recursive: true });
    for (const f of (await readdir(join(from, 'build', 'Release')).catch(() => [])).filter((f) => f.endsWith('.node'))) {
      await copyFile(join(from, 'build', 'Release', f), join(built, f));
    }
    reused.push(name);
  }
  return reused;
}
