import { describe, expect, it } from 'vitest';
import { RunnerRegistry } from './runner-registry.js';
import { detectMediaRunners } from './agent-runners.js';

describe('speech and video capabilities follow what is installed', () => {
  it('offers speech and video when espeak-ng and ffmpeg run, and says when configured Piper does not', async () => {
    const warnings: string[] = [];
    const { runners } = await detectMediaRunners({ piper: { command: '/nonexistent/piper', voices: ['/nonexistent/en_US-joe-medium.onnx'] } }, (m) =>
      warnings.push(m),
    );
    expect(new RunnerRegistry(runners).capabilities().sort()).toEqual(['speech', 'video']);
    expect(warnings).toEqual([expect.stringMatching(/Piper is configured but/)]);
  }, 60_000);

  it('offers neither when the programs are missing, with a clear message for each', async () => {
    const warnings: string[] = [];
    const { runners, voices } = await detectMediaRunners({}, (m) => warnings.push(m), {
      espeak: '/nonexistent/espeak-ng',
      ffmpeg: '/nonexistent/ffmpeg',
      ffprobe: '/nonexistent/ffprobe',
    });
    expect(runners).toEqual([]);
    expect(voices).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(/no speech engine found.*audio\.speak is not offered/),
      expect.stringMatching(/ffmpeg.*video\.compose is not offered/),
    ]);
  }, 60_000);
});
