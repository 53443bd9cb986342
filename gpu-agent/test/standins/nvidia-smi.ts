/**
 * A stand-in for `nvidia-smi` (no GPU here). It answers the two invocations the agent makes, in the
 * exact format of the recorded real outputs in ../fixtures/nvidia-smi:
 *   nvidia-smi --help-query-gpu
 *   nvidia-smi --query-gpu=a,b,c --format=csv[,noheader][,nounits] [-lms N | -l S]
 * Values come from recorded samples (one GPU per sample row). Environment knobs:
 *   NVSMI_DRIVER=610|465       which recorded --help-query-gpu (field set) to use (default 610)
 *   NVSMI_SAMPLES=a.txt,b.txt  fixture files giving each GPU's values (default the RTX 2080 idle sample)
 *   NVSMI_GPUS=N               number of GPUs (samples are cycled; default = number of samples)
 *   NVSMI_VARY=1               vary utilization / temperature / power / memory every round
 *   NVSMI_OMIT=f1,f2           fields this "driver" does not know (absent from help; query rejected)
 *   NVSMI_GARBAGE_EVERY=N      write a garbage line every N rounds
 *   NVSMI_EXIT_AFTER=N         exit (status 15) after N rounds, like a crashed driver
 * A query naming an unknown field prints `Field "x" is not a valid field to query.` and exits 2.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/nvidia-smi');
const env = process.env;

const stripProvenance = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
const helpFile = env.NVSMI_DRIVER === '465' ? 'reference-help-query-gpu-465.27.verbatim.txt' : 'reference-help-query-gpu-610.57.04.verbatim.txt';
const omitted = new Set((env.NVSMI_OMIT ?? '').split(',').filter(Boolean));

/** Help text as the driver prints it, without the omitted fields' entries. */
function helpText(): string {
  const blocks = stripProvenance(readFileSync(join(FIXTURES, helpFile), 'utf8')).split('\n\n');
  return blocks.filter((b) => ![...b.matchAll(/^"([^"]+)"/gm)].some((m) => omitted.has(m[1]!))).join('\n\n');
}

/** name -> canonical name (first in its `"a" or "b"` help line). */
function aliases(help: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of help.split('\n')) {
    if (!line.startsWith('"')) continue;
    const names = [...line.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    for (const n of names) map.set(n, names[0]!);
  }
  return map;
}

/** Each recorded GPU as canonical-ish field name -> value text with units, plus the header's unit. */
function loadSamples(): Array<Map<string, string>> {
  const files = (env.NVSMI_SAMPLES ?? 'sample-10-geforce-rtx2080super-linux-idle-wide.csv.txt').split(',');
  return files.map((f) => {
    const [header, row] = stripProvenance(readFileSync(join(FIXTURES, f), 'utf8'))
      .split('\n')
      .filter(Boolean);
    const names = header!.split(', ').map((h) => h.replace(/ \[[^\]]*\]$/, ''));
    const values = row!.split(', ');
    return new Map(names.map((n, i) => [n, values[i]!]));
  });
}

const UNIT_OF: Record<string, string> = { '%': ' [%]', MiB: ' [MiB]', W: ' [W]', MHz: ' [MHz]' };

function main() {
  const args = process.argv.slice(2);
  const help = helpText();
  if (args.includes('--help-query-gpu')) {
    process.stdout.write(help);
    return;
  }
  const query = args.find((a) => a.startsWith('--query-gpu='))?.slice('--query-gpu='.length);
  const format =
    args
      .find((a) => a.startsWith('--format='))
      ?.slice('--format='.length)
      .split(',') ?? [];
  if (!query || !format.includes('csv')) {
    process.stdout.write('stand-in nvidia-smi: only --help-query-gpu and --query-gpu=... --format=csv are supported\n');
    process.exit(2);
  }
  const known = aliases(help);
  const fields = query.split(',');
  for (const f of fields) {
    if (!known.has(f)) {
      process.stdout.write(`Field "${f}" is not a valid field to query.\n\n`);
      process.exit(2);
    }
  }
  const lIdx = args.findIndex((a) => a === '-lms' || a === '-l');
  const intervalMs = lIdx < 0 ? 0 : Number(args[lIdx + 1]) * (args[lIdx] === '-l' ? 1000 : 1);
  const samples = loadSamples();
  const gpus = Number(env.NVSMI_GPUS ?? samples.length);
  const nounits = format.includes('nounits');
  const garbageEvery = Number(env.NVSMI_GARBAGE_EVERY ?? 0);
  const exitAfter = Number(env.NVSMI_EXIT_AFTER ?? 0);

  const lookup = (sample: Map<string, string>, field: string) => {
    const canonical = known.get(field)!;
    for (const [n, c] of known) if (c === canonical && sample.has(n)) return sample.get(n)!;
    return '[N/A]';
  };
  const vary = (text: string, field: string, round: number, gpu: number) => {
    if (env.NVSMI_VARY !== '1') return text;
    const m = /^(\d+(?:\.\d+)?)( .*)?$/.exec(text);
    if (!m) return text;
    const wave = [0, 30, 60, 90, 60, 30][(round + gpu) % 6]!;
    const n = Number(m[1]);
    const changed: Record<string, number> = {
      'utilization.gpu': wave,
      'temperature.gpu': 40 + wave / 3,
      'power.draw': n + wave * 1.5,
      'memory.used': n + wave * 40,
    };
    const v = changed[field];
    if (v === undefined) return text;
    const decimals = m[1]!.includes('.') ? m[1]!.split('.')[1]!.length : 0;
    return `${v.toFixed(decimals)}${m[2] ?? ''}`;
  };

  let round = 0;
  const emit = () => {
    round++;
    let out = '';
    if (round === 1 && !format.includes('noheader')) {
      out += `${fields
        .map((f) => {
          const unit = /^\S+ (%|MiB|W|MHz)$/.exec(lookup(samples[0]!, f))?.[1];
          return `${known.get(f)}${unit ? UNIT_OF[unit] : ''}`;
        })
        .join(', ')}\n`;
    }
    for (let g = 0; g < gpus; g++) {
      const sample = samples[g % samples.length]!;
      const values = fields.map((f) => {
        if (f === 'index') return String(g);
        let v = lookup(sample, f);
        if (f === 'uuid' || f === 'gpu_uuid') v = v.replace(/.{12}$/, String(g).padStart(12, '0'));
        v = vary(v, known.get(f)!, round, g);
        return nounits ? v.replace(/ (%|MiB|W|MHz)$/, '') : v;
      });
      out += `${values.join(', ')}\n`;
    }
    if (garbageEvery > 0 && round % garbageEvery === 0) out += `\u0000\u0007garbage, line ${round}; not csv\n`;
    process.stdout.write(out);
    if (exitAfter > 0 && round >= exitAfter) process.exit(15);
  };
  emit();
  if (intervalMs > 0) setInterval(emit, intervalMs);
}

process.stdout.on('error', () => process.exit(0));
main();
