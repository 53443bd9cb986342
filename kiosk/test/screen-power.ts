import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestAppliance } from '../../appliance/test/support/harness.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';

const SCRIPT = fileURLToPath(new URL('../launcher/screen-power.sh', import.meta.url));

/**
 * The launcher's screen-power loop, run for real against the appliance, with a stand-in
 * `wlr-randr` first on PATH: the real one needs a running Wayland compositor (cage/labwc on the
 * Pi's HDMI), which a test machine does not have. The stand-in lists one output, as wlr-randr
 * does, and writes down every call.
 */
export async function startScreenPower(t: TestAppliance, admin: HttpClient): Promise<{ calls: () => Promise<string[]>; stop: () => void }> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-screen-'));
  const log = join(dir, 'calls.log');
  await writeFile(log, '');
  const stand = join(dir, 'wlr-randr');
  await writeFile(
    stand,
    `#!/bin/sh
echo "$*" >> '${log}'
if [ $# -eq 0 ]; then printf 'HDMI-A-1 "Stand-in panel (HDMI-A-1)"\\n  Enabled: yes\\n'; fi
`,
  );
  await chmod(stand, 0o755);
  const made = await admin.post('/api/admin/devices', { kind: 'kiosk', name: 'Hall screen power' });
  if (made.status !== 201) throw new Error(`device token: ${made.status} ${made.text}`);
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, `${made.json.token}\n`, { mode: 0o600 });
  const child: ChildProcess = spawn('bash', [SCRIPT], {
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PATH: `${dir}:${process.env.PATH}`,
      HEARTH_KIOSK_URL: `${t.url}/kiosk`,
      HEARTH_KIOSK_TOKEN_FILE: tokenFile,
      HEARTH_SCREEN_RETRY_S: '1',
    },
  });
  return {
    // Only the switching calls; the listing (no arguments) is how it finds the output.
    calls: async () => (await readFile(log, 'utf8')).split('\n').filter((l) => l.startsWith('--output')),
    stop: () => {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    },
  };
}
