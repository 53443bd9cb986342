import { spawn, type ChildProcess } from 'node:child_process';
import type { HaRuntime } from './runtime.js';

/**
 * Runs hass with PR_SET_PDEATHSIG, so HA is killed when the process that started it dies without
 * cleaning up (a crashed or killed test runner); the flag survives the exec.
 */
const EXEC_WITH_PARENT_DEATH_SIGNAL = `
import ctypes, os, signal, sys
if sys.platform.startswith("linux"):
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    if os.getppid() != int(os.environ.pop("HEARTH_PARENT_PID")):
        sys.exit("parent already gone")
os.execv(sys.argv[1], sys.argv[1:])
`;

/** Output kept in memory: enough for a long test file, bounded so a chatty HA cannot eat the heap. */
const MAX_LOG_CHARS = 8 * 1024 * 1024;

/**
 * One `hass` process in its own process group, so stop() also ends whatever it spawned.
 * Output is collected for logs(); a crash of the test process still kills the group.
 */
export class HassProcess {
  private child: ChildProcess | undefined;
  private output = '';
  private readonly killOnExit = () => this.signalGroup('SIGKILL');

  constructor(
    private readonly runtime: HaRuntime,
    private readonly configDir: string,
  ) {}

  start(): void {
    if (this.running) throw new Error('hass is already running');
    const { hass } = this.runtime;
    const cmd = this.runtime.python(['-c', EXEC_WITH_PARENT_DEATH_SIGNAL, hass, '-c', this.configDir, '--skip-pip', '--log-no-color'], [this.configDir]);
    const child = spawn(cmd.file, cmd.args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', HEARTH_PARENT_PID: String(process.pid) },
    });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      if (this.output.length > MAX_LOG_CHARS) this.output = this.output.slice(-MAX_LOG_CHARS / 2);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('error', (err) => collect(Buffer.from(`\nspawn error: ${err.message}\n`)));
    this.child = child;
    process.once('exit', this.killOnExit);
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Why it is not running, for error messages; undefined while it runs. */
  get exitReason(): string | undefined {
    if (!this.child) return 'not started';
    if (this.running) return undefined;
    return `hass exited (code ${this.child.exitCode}, signal ${this.child.signalCode})`;
  }

  logs(): string {
    return this.output;
  }

  /** SIGTERM to the group (HA shuts down cleanly and saves .storage), SIGKILL after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    process.removeListener('exit', this.killOnExit);
    if (this.running) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      this.signalGroup('SIGTERM');
      const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    // Leftover children of hass (none expected) go with the group.
    this.signalGroup('SIGKILL');
    this.child = undefined;
    await this.runtime.cleanup([this.configDir]);
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is already gone
    }
  }
}
