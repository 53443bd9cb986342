import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const scripts = fileURLToPath(new URL('../../scripts/', import.meta.url));

const pending = new Map<string, Promise<string>>();

/** Runs one of the cache scripts once per process and returns the path it prints last. */
function cached(script: string, what: string): Promise<string> {
  let p = pending.get(script);
  if (!p) {
    p = run('bash', [`${scripts}${script}`], { maxBuffer: 16 * 1024 * 1024 })
      .then(({ stdout }) => {
        const path = stdout.trim().split('\n').pop();
        if (!path) throw new Error(`${script} printed no path`);
        return path;
      })
      .catch((err: Error & { stderr?: string }) => {
        pending.delete(script);
        throw new Error(`could not prepare ${what}: ${err.message}\n${err.stderr ?? ''}`);
      });
    pending.set(script, p);
  }
  return p;
}

/**
 * Path of the cached venv with Home Assistant 2024.3. `HEARTH_HA_VENV` points at one made
 * elsewhere; otherwise scripts/ha-venv.sh makes or reuses it (minutes on the first call, then instant).
 */
export function homeAssistantVenv(): Promise<string> {
  const given = process.env.HEARTH_HA_VENV;
  return given ? Promise.resolve(given) : cached('ha-venv.sh', 'the Home Assistant venv');
}

/**
 * Path of the cached Debian forky root with Home Assistant 2026.11 in /opt/ha. `HEARTH_HA2026_ROOT`
 * points at one made elsewhere; otherwise scripts/ha2026-root.sh makes or reuses it.
 */
export function homeAssistant2026Root(): Promise<string> {
  const given = process.env.HEARTH_HA2026_ROOT;
  return given ? Promise.resolve(given) : cached('ha2026-root.sh', 'the Home Assistant 2026 root');
}
