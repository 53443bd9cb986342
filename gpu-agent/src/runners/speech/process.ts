import { execFile, spawn } from 'node:child_process';

export interface RunOptions {
  stdin?: string;
  signal?: AbortSignal;
  /** Called with each chunk of stdout (ffmpeg's -progress lines). */
  onStdout?: (chunk: string) => void;
}

/**
 * Runs a program without a shell; resolves with its stderr tail on exit 0, rejects otherwise.
 * An abort kills it at once (SIGKILL: the output is thrown away anyway).
 */
export async function runProgram(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const [file, argv] = (await diesWithAgent()) ? ['setpriv', ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
  return run(file, argv, command, options);
}

/**
 * Linux's parent-death signal (util-linux `setpriv`, present wherever util-linux is): if the agent
 * is killed, the kernel kills the program too, instead of leaving an orphaned ffmpeg encoding on
 * beside the agent that takes the job over. Programs are spawned from the main thread, whose end
 * is the agent's end. Elsewhere programs run as they are.
 */
let setpriv: Promise<boolean> | undefined;
function diesWithAgent(): Promise<boolean> {
  setpriv ??=
    process.platform !== 'linux'
      ? Promise.resolve(false)
      : new Promise((resolve) => execFile('setpriv', ['--pdeathsig', 'KILL', '--', 'true'], { timeout: 10_000 }, (err) => resolve(!err)));
  return setpriv;
}

function run(file: string, args: readonly string[], command: string, { stdin, signal, onStdout }: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => onStdout?.(d));
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.once('close', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      else if (code === 0) resolve(stderr);
      else reject(new Error(`${command} failed (${sig ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? '');
  });
}

/** Whether `command args` runs and exits 0 (used to decide which engines an agent offers). */
export async function programWorks(command: string, args: readonly string[]): Promise<boolean> {
  try {
    await runProgram(command, args, { signal: AbortSignal.timeout(30_000) });
    return true;
  } catch {
    return false;
  }
}
