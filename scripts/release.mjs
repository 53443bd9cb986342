#!/usr/bin/env node
// `npm run release [-- --out FILE]`: the built Hearth as one tarball, for the installers in
// provisioning/ (`--release FILE`). It holds the bundles (appliance/dist, gpu-agent/dist), the
// portal's and the kiosk's builds, the lock file with every workspace's package.json (so
// `npm ci --omit=dev --workspace appliance|gpu-agent` installs exactly the production packages),
// and the files the services and installers read at run time. No TypeScript sources, no tests.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORKSPACES = ['protocol', 'appliance', 'gpu-agent', 'kiosk', 'ha-integration', 'testkit'];
/** What `npm run build` makes; a release without them would not start. */
const BUILT = ['appliance/dist/main.js', 'appliance/dist/backup-cli.js', 'appliance/web/dist/index.html', 'kiosk/dist/index.html', 'gpu-agent/dist/main.js'];
const FILES = [
  'package.json',
  'package-lock.json',
  'README.md',
  'LICENSE',
  ...WORKSPACES.map((w) => `${w}/package.json`),
  'appliance/dist',
  'appliance/web/dist',
  'kiosk/dist',
  'kiosk/launcher',
  'gpu-agent/dist',
  'gpu-agent/workflows',
  'systemd',
  'provisioning/lib',
  'provisioning/pi',
  'provisioning/pc',
  'provisioning/mosquitto',
  'provisioning/redis',
  'provisioning/Caddyfile',
  'provisioning/caddy',
  'provisioning/compose.env.example',
  'monitoring',
  'docs',
  'ha-integration/blueprints',
  'ha-integration/packages',
  'ha-integration/dashboards',
  'ha-integration/README.md',
];

const exists = (path) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function main() {
  const outArg = process.argv.indexOf('--out');
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const out = resolve(outArg > 0 ? process.argv[outArg + 1] : join(root, 'release', `hearth-${version}.tar.gz`));
  for (const file of BUILT) if (!(await exists(join(root, file)))) throw new Error(`${file} is missing: run \`npm run build\` first`);

  const stage = await mkdtemp(join(tmpdir(), 'hearth-release-'));
  try {
    const top = join(stage, `hearth-${version}`);
    for (const file of FILES) {
      if (!(await exists(join(root, file)))) continue; // optional (LICENSE)
      await cp(join(root, file), join(top, file), { recursive: true });
    }
    await mkdir(dirname(out), { recursive: true });
    // Reproducible: sorted, root-owned, fixed mtime; the version's folder is stripped by the installers.
    const tar = spawnSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', stage, '-czf', out, `hearth-${version}`], {
      stdio: 'inherit',
    });
    if (tar.status !== 0) throw new Error(`tar failed (${tar.status ?? tar.signal})`);
    console.log(`  release: ${out} (${((await stat(out)).size / 1024 / 1024).toFixed(1)} MiB)`);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`npm run release failed: ${err.message}`);
  process.exitCode = 1;
});
