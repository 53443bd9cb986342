#!/usr/bin/env node
// `npm start`: the whole home lab on one machine — the appliance (with its own Redis and MQTT
// broker unless REDIS_URL / MQTT_URL are set) and, once it is up, a local gpu-agent with the
// built-in runners. Ctrl-C stops both. HEARTH_LOCAL_AGENT=0 starts the appliance alone.
// `npm run start:prod` (--prod) runs the build in appliance/dist and gpu-agent/dist instead of
// the TypeScript sources through tsx; `npm run build` makes it.
import { execFile, spawn } from 'node:child_process';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(process.env.HEARTH_DATA_DIR ?? 'data');
const withAgent = process.env.HEARTH_LOCAL_AGENT !== '0';
const runtimeFile = join(dataDir, 'runtime.json');
const tokenFile = join(dataDir, 'local-agent.token');
const AGENT_RESTART_MS = 5000;
const prod = process.argv.includes('--prod');
const entries = prod
  ? { appliance: 'appliance/dist/main.js', agent: 'gpu-agent/dist/main.js' }
  : { appliance: 'appliance/src/main.ts', agent: 'gpu-agent/src/main.ts' };

const children = new Set();
let stopping = false;
let agent;

function run(name, script, env) {
  const args = prod ? ['--max-semi-space-size=1', script] : ['--import', 'tsx', script];
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', (err) => console.error(`  ${name} could not start: ${err.message}`));
  return child;
}

async function waitForRuntime(appliance) {
  // The appliance writes runtime.json once it listens; an old one is removed before it starts.
  for (;;) {
    if (appliance.exitCode !== null || appliance.signalCode !== null) return null;
    try {
      if ((await stat(runtimeFile)).isFile() && (await stat(tokenFile)).isFile()) return JSON.parse(await readFile(runtimeFile, 'utf8'));
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The built-in LLM's model file: AGENT_LLM_GGUF when set, else SmolLM2-135M from the cached venv
 * that `bash scripts/install-test-deps.sh` makes (looked up only, never built here).
 */
function builtinGguf() {
  if (process.env.AGENT_LLM_GGUF !== undefined) return Promise.resolve(process.env.AGENT_LLM_GGUF);
  return new Promise((done) =>
    execFile('bash', [join(root, 'gpu-agent/scripts/llm-venv.sh'), '--gguf', '--if-ready'], (err, stdout) => done(err ? '' : stdout.trim())),
  );
}

async function startAgent(runtime) {
  const token = (await readFile(tokenFile, 'utf8')).trim();
  const gguf = await builtinGguf();
  const env = {
    ...process.env,
    REDIS_URL: runtime.redisUrl,
    MQTT_URL: runtime.mqttUrl,
    APPLIANCE_URL: runtime.url,
    AGENT_TOKEN: token,
    AGENT_DATA_DIR: process.env.AGENT_DATA_DIR ?? join(dataDir, 'agent'),
    // The hub must not put itself to sleep when Home Assistant presses "suspend" on the local agent.
    SUSPEND_COMMAND: process.env.SUSPEND_COMMAND ?? 'false',
    AGENT_LLM_GGUF: gguf,
  };
  if (!gguf) console.log('  no built-in language model: dialogue jobs need one (AGENT_LLM_GGUF, or `bash gpu-agent/scripts/llm-venv.sh` for SmolLM2-135M)');
  agent = run('gpu-agent', entries.agent, env);
  agent.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\n  the local gpu-agent stopped (${signal ?? `exit ${code}`}); restarting it in ${AGENT_RESTART_MS / 1000} s\n`);
    setTimeout(() => void (stopping || startAgent(runtime)), AGENT_RESTART_MS).unref();
  });
}

function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  // The agent first, so it hands back its job before Redis (embedded in the appliance) goes away.
  if (agent && agent.exitCode === null) agent.kill(signal);
  const next = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  if (agent && agent.exitCode === null) agent.once('exit', next);
  else next();
  setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(1);
  }, 20_000).unref();
}

/** Newest modification time under `dir` (0 when it does not exist). */
async function newest(dir) {
  let latest = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) if (e.isFile()) latest = Math.max(latest, (await stat(join(e.parentPath ?? e.path, e.name))).mtimeMs);
  return latest;
}

/** Build the portal and the kiosk when their output is missing or older than their sources. */
async function buildWebIfStale() {
  const apps = [
    { name: 'portal', sources: ['appliance/web/src', 'appliance/web/index.html'], output: 'appliance/web/dist/index.html' },
    { name: 'kiosk', sources: ['kiosk/src', 'kiosk/index.html'], output: 'kiosk/dist/index.html' },
  ];
  for (const app of apps) {
    const built = (await stat(join(root, app.output)).catch(() => null))?.mtimeMs ?? 0;
    let source = 0;
    for (const s of app.sources) {
      const info = await stat(join(root, s)).catch(() => null);
      source = Math.max(source, info?.isDirectory() ? await newest(join(root, s)) : (info?.mtimeMs ?? 0));
    }
    if (built >= source) continue;
    console.log(`  building the ${app.name} (its sources changed since the last build)…`);
    const workspace = app.name === 'portal' ? 'appliance' : 'kiosk';
    const code = await new Promise((resolve) =>
      spawn('npm', ['run', 'build', '-w', workspace, '--silent'], { cwd: root, stdio: 'inherit' }).once('exit', resolve),
    );
    if (code !== 0) throw new Error(`building the ${app.name} failed (npm run build -w ${workspace})`);
  }
}

async function main() {
  if (prod) {
    for (const file of [...Object.values(entries), 'appliance/web/dist/index.html', 'kiosk/dist/index.html']) {
      if (!(await stat(join(root, file)).catch(() => null))) throw new Error(`${file} is missing: run \`npm run build\` first`);
    }
  } else await buildWebIfStale();
  await rm(runtimeFile, { force: true });
  const appliance = run('appliance', entries.appliance, { ...process.env, HEARTH_LOCAL_AGENT: withAgent ? '1' : '0' });
  appliance.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`\n  the appliance stopped (${signal ?? `exit ${code}`})`);
      stopAll('SIGTERM');
    }
    const finish = () => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    if (children.size === 0) finish();
    else for (const child of children) child.once('exit', () => children.size === 0 && finish());
  });
  // Ctrl-C reaches every process of the terminal's group; a service manager's SIGTERM reaches only us.
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  if (!withAgent) return;
  const runtime = await waitForRuntime(appliance);
  if (!runtime || stopping) return;
  await startAgent(runtime);
  console.log(`\n  Hearth home lab: open ${runtime.url}  (appliance + local gpu-agent; Ctrl-C stops both)\n`);
}

main().catch((err) => {
  console.error(`npm start failed: ${err.stack ?? err}`);
  stopAll('SIGTERM');
  process.exitCode = 1;
});
