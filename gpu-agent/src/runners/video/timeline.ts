/**
 * When each scene shows and speaks. Scene i lasts its narration plus a pause; neighbours overlap by
 * the cross-fade, so the film is the sum of the scenes less one fade per cut.
 */
export const PAUSE_S = 0.8;
export const CROSSFADE_S = 0.6;

export interface SceneTiming {
  /** When the scene's picture starts fading in and its narration starts. */
  start: number;
  /** How long its picture is on screen (including both fades). */
  length: number;
  narration: number;
}

export function timeline(narrationSeconds: readonly number[]): { scenes: SceneTiming[]; total: number } {
  let start = 0;
  const scenes = narrationSeconds.map((narration) => {
    const scene = { start, length: narration + PAUSE_S + CROSSFADE_S, narration };
    start += scene.length - CROSSFADE_S;
    return scene;
  });
  const last = scenes.at(-1);
  return { scenes, total: last ? last.start + last.length : 0 };
}

const stamp = (s: number) => {
  const ms = Math.round(s * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)},${pad(ms % 1000, 3)}`;
};

/** SubRip subtitles: each scene's text while its narration plays. */
export function srt(scenes: readonly SceneTiming[], texts: readonly string[]): string {
  return scenes
    .map((s, i) => ({ s, text: (texts[i] ?? '').replace(/\r?\n+/g, ' ').trim() }))
    .filter(({ text }) => text)
    .map(({ s, text }, n) => `${n + 1}\n${stamp(s.start)} --> ${stamp(s.start + s.narration + PAUSE_S / 2)}\n${text}\n`)
    .join('\n');
}
