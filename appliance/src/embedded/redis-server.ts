import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import type { Logger } from 'pino';

/**
 * A private redis-server for the one-machine default: AOF on, bound to loopback, data in
 * `<dataDir>/redis`. Stopped with the appliance (SIGTERM lets it flush the AOF).
 */
export class EmbeddedRedis {
  private child: ChildProcess | undefined;
  private stopping = false;

  constructor(private readonly dir: string, private readonly preferredPort: number, private readonly log: Logger) {}

  async start(): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const port = (await isFree(this.preferredPort)) ? this.preferredPort : await anyFreePort();
    const child = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes',
      '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
      '--daemonize', 'no', '--loglevel', 'warning',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'ENOENT'
          ? new Error('redis-server was not found. Install the Debian package "redis-server" (sudo apt-get install redis-server), or set REDIS_URL to an existing Redis.')
          : err));
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${stderr.trim()}`)));
      void waitForPort(port, 10_000).then(resolve, reject);
    });
    child.removeAllListeners('exit');
    child.on('exit', (code, signal) => {
      if (!this.stopping) this.log.error({ code, signal }, 'embedded redis-server died');
    });
    this.log.info({ port, dir: this.dir }, 'embedded redis-server started');
    return `redis://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.stopping = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
      child.kill('SIGTERM');
    });
  }
}

function isFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

function anyFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no free port'))));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
}

export { isFree, anyFreePort };
