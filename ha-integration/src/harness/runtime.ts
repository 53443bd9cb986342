import { rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { homeAssistant2026Root, homeAssistantVenv } from './venv.js';

/**
 * The Home Assistant releases the tests run against: the last one for Python 3.11 (a venv on this
 * Debian 12 machine) and the current one (Python 3.14, in a Debian forky root run under chroot).
 */
export const HA_VERSIONS = ['2024.3.3', '2026.11.0'] as const;
export type HaVersion = (typeof HA_VERSIONS)[number];

/** The versions a test run covers: `HEARTH_HA_VERSIONS` (comma-separated), or all of them. */
export function testedHaVersions(env: NodeJS.ProcessEnv = process.env): HaVersion[] {
  const wanted = env.HEARTH_HA_VERSIONS?.split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (!wanted?.length) return [...HA_VERSIONS];
  const unknown = wanted.filter((v) => !(HA_VERSIONS as readonly string[]).includes(v));
  if (unknown.length) throw new Error(`HEARTH_HA_VERSIONS names ${unknown.join(', ')}; known: ${HA_VERSIONS.join(', ')}`);
  return wanted as HaVersion[];
}

export interface HaRuntime {
  version: HaVersion;
  /**
   * The command that runs this runtime's Python with `args`, with the host directories `dirs`
   * visible at the same paths (config dirs live in the host's temp dir).
   */
  python(args: string[], dirs: string[]): { file: string; args: string[] };
  /** Path of the `hass` script, as that Python sees it. */
  hass: string;
  /** Removes what python() left behind for `dirs` once its process has ended. */
  cleanup(dirs: string[]): Promise<void>;
}

/**
 * Enters the root in a private mount namespace (util-linux unshare makes its mounts private), so
 * the bind mounts exist only for this process tree and vanish with it: nothing is ever left mounted
 * on the host, and removing a root can never reach through a mount. `exec` all the way keeps one
 * process id, so hass stays the child of the test process (its parent-death signal relies on it).
 */
const ENTER_ROOT = `set -e
root=$1; shift
while [ "$1" != -- ]; do mkdir -p "$root$1"; mount --bind "$1" "$root$1"; shift; done; shift
mount --rbind /dev "$root/dev"
mount --bind /proc "$root/proc"
exec chroot "$root" "$@"`;

export async function haRuntime(version: HaVersion): Promise<HaRuntime> {
  if (version === '2024.3.3') {
    const venv = await homeAssistantVenv();
    return {
      version,
      python: (args) => ({ file: join(venv, 'bin', 'python'), args }),
      hass: join(venv, 'bin', 'hass'),
      cleanup: async () => {},
    };
  }
  const root = await homeAssistant2026Root();
  // Without real root, a user namespace maps this user to root for mount and chroot.
  const asUser = process.getuid?.() === 0 ? [] : ['--map-root-user'];
  return {
    version,
    python: (args, dirs) => ({
      file: 'unshare',
      args: [...asUser, '--mount', '--', 'sh', '-c', ENTER_ROOT, 'enter-root', root, ...dirs, '--', '/opt/ha/bin/python', ...args],
    }),
    hass: '/opt/ha/bin/hass',
    cleanup: async (dirs) => {
      // The mount points made inside the root (empty once the namespace is gone).
      for (const dir of dirs) await rmdir(join(root, dir)).catch(() => undefined);
    },
  };
}
