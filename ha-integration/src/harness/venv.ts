import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/ha-venv.sh', import.meta.url));

let pending: Promise<string> | undefined;

/**
 * Path of the cached venv with the real Home Assistant. `HEARTH_HA_VENV` points at one made
 * elsewhere; otherwise scripts/ha-venv.sh makes or reuses it (minutes on the first call, then instant).
 */
export function homeAssistantVenv(): Promise<string> {
  const given = process.env.HEARTH_HA_VENV;
  if (given) return Promise.resolve(given);
  pending ??= run('bash', [script], { maxBuffer: 16 * 1024 * 1024 })
    .then(({ stdout }) => {
      const path = stdout.trim().split('\n').pop();
      if (!path) throw new Error('ha-venv.sh printed no venv path');
      return path;
    })
    .catch((err: Error & { stderr?: string }) => {
      pending = undefined;
      throw new Error(`could not prepare the Home Assistant venv: ${err.message}\n${err.stderr ?? ''}`);
    });
  return pending;
}
