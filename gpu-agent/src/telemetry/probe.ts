import { spawn } from 'node:child_process';
import { FIELD_SPECS, type FieldSpec } from './parse.js';

/** Every field name `nvidia-smi --help-query-gpu` lists (`"name" or "alias"` lines). */
export function fieldsFromHelp(help: string): Set<string> {
  const names = new Set<string>();
  for (const line of help.split('\n')) {
    if (!line.startsWith('"')) continue;
    for (const m of line.matchAll(/"([^"]+)"/g)) names.add(m[1]!);
  }
  return names;
}

/**
 * The field to query for each metric: the first of its names the driver knows. Metrics the driver
 * lacks are dropped. `supported` null = unknown (no help output): try the preferred names and rely on
 * nvidia-smi's "is not a valid field" answer to drop the rest.
 */
export function chooseQueryFields(
  supported: ReadonlySet<string> | null,
  excluded: ReadonlySet<string> = new Set(),
  specs: readonly FieldSpec[] = FIELD_SPECS,
): string[] {
  const fields: string[] = [];
  for (const spec of specs) {
    const name = spec.names.find((n) => !excluded.has(n) && (supported === null || supported.has(n)));
    if (name) fields.push(name);
  }
  return fields;
}

/** The field nvidia-smi rejected, from its `Field "x" is not a valid field to query.` message. */
export function invalidFieldIn(output: string): string | null {
  return /Field "([^"]+)" is not a valid field to query/.exec(output)?.[1] ?? null;
}

export type ProbeResult = { kind: 'ok'; supported: Set<string> } | { kind: 'missing'; detail: string } | { kind: 'no-help'; detail: string };

const MAX_HELP_BYTES = 1 << 20;

/** Asks the driver which fields it knows, without blocking the event loop. */
export function probeNvidiaSmi(bin: string, timeoutMs = 10_000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let out = '';
    let bytes = 0;
    const child = spawn(bin, ['--help-query-gpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const collect = (d: Buffer) => {
      bytes += d.length;
      if (bytes <= MAX_HELP_BYTES) out += d.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(
        err.code === 'ENOENT' || err.code === 'EACCES'
          ? { kind: 'missing', detail: `${bin} not found or not executable (${err.code})` }
          : { kind: 'no-help', detail: err.message },
      );
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const supported = fieldsFromHelp(out);
      if (code === 0 && supported.size > 0) resolve({ kind: 'ok', supported });
      else resolve({ kind: 'no-help', detail: `--help-query-gpu exited ${signal ?? code}: ${out.trim().slice(0, 200)}` });
    });
  });
}
