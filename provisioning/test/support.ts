import { execFile } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '@hearth/testkit';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PI_INSTALLER = join(REPO, 'provisioning/pi/install.sh');
export const PC_INSTALLER = join(REPO, 'provisioning/pc/install.sh');

const exec = promisify(execFile);

export interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

/** Run a program; resolves with its exit code instead of throwing on failure. */
export async function runProgram(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd: opts.cwd ?? REPO, env: opts.env ?? process.env, maxBuffer: 16 << 20 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number | string };
    if (typeof e.code !== 'number') throw err;
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code };
  }
}

/** A throwaway root for `--prefix` installs, traversable by service users (mosquitto, redis). */
export async function prefixRoot(): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await tempDir('hearth-prefix-');
  await chmod(dir.path, 0o755);
  return dir;
}
