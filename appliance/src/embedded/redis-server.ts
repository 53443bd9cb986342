import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import type { Logger } from 'pino';
import { backoffDelay } from '@hearth/protocol';

/** Restarts of a died redis-server: quick at first (the queue is waiting), then no busier than every 30 s. */
const RESTART_BACKOFF = { baseMs: 250, maxMs: 30_000 };
/** Up this long after a restart, it counts as healthy again: the next death starts the backoff over. */
const STABLE_MS = 60_000;

/**
 * A private redis-server for the one-machine default: AOF on, bound to loopback, data in
 * `<dataDir>/redis`. Supervised: if it dies it is started again on the same port and directory
 * (so the AOF brings the queue back), with backoff; `problem()` says why it is down meanwhile.
 * Stopped with the appliance (SIGTERM lets it flush the AOF).
 */
export class EmbeddedRedis {
  private child: ChildProcess | undefined;
  private stopping = false;
  private port = 0;
  private restarts = 0;
  private down: string | null = 'not started';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly preferredPort: number,
    private readonly log: Logger,
  ) {}

  async start(): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    this.port = (await isFree(this.preferredPort)) ? this.preferredPort : await anyFreePort();
    await this.spawnChild();
    this.log.info({ port: this.port, dir: this.dir }, 'embedded redis-server started');
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Null while it runs; otherwise what happened (for /readyz). */
  problem(): string | null {
    return this.down;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  private async spawnChild(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--protected-mode',
        'yes',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'ENOENT'
            ? new Error(
                'redis-server was not found. Install the Debian package "redis-server" (sudo apt-get install redis-server), or set REDIS_URL to an existing Redis.',
              )
            : err,
        ),
      );
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${stderr.trim()}`)));
      void waitForPort(this.port, 10_000).then(resolve, reject);
    }).catch((err: Error) => {
      child.kill('SIGKILL');
      throw err;
    });
    child.removeAllListeners('exit');
    child.removeAllListeners('error');
    child.on('error', (err) => this.log.error({ err: err.message }, 'embedded redis-server: process error'));
    child.on('exit', (code, signal) => this.onDied(`exited (${signal ?? `code ${code}`})`));
    this.down = null;
  }

  private onDied(why: string): void {
    if (this.stopping) return;
    clearTimeout(this.timer);
    this.child = undefined;
    const delay = backoffDelay(++this.restarts, RESTART_BACKOFF);
    this.down = `embedded redis-server ${why}; restarting it (try ${this.restarts})`;
    this.log.error({ why, restartInMs: delay, tries: this.restarts }, 'embedded redis-server died; restarting it with its AOF');
    this.timer = setTimeout(() => {
      if (this.stopping) return;
      this.spawnChild().then(
        () => {
          this.log.info({ port: this.port, tries: this.restarts }, 'embedded redis-server is running again');
          this.timer = setTimeout(() => (this.restarts = 0), STABLE_MS);
          this.timer.unref();
        },
        (err: Error) => this.onDied(`could not start again: ${err.message.slice(0, 200)}`),
      );
    }, delay);
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
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
}

export { isFree, anyFreePort };
