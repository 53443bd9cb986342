import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { waitFor } from './wait.js';

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** Spawn a server binary and wait until it listens on `port`; output is kept for error messages. */
export async function spawnServer(bin: string, args: string[], port: number, missingHint: string): Promise<{ child: ChildProcess; output: () => string }> {
  let out = '';
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new Error(`${bin} not found: ${missingHint}`) : err)),
  );
  await Promise.race([
    spawnError,
    waitFor(async () => child.exitCode === null && (await portOpen(port)), { timeoutMs: 15_000, what: `${bin} on port ${port}` }).catch((err) => {
      child.kill('SIGKILL');
      throw new Error(`${err.message}\n${out}`);
    }),
  ]);
  return { child, output: () => out };
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
