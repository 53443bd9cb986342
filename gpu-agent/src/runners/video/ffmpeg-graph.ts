import { CROSSFADE_S, type SceneTiming } from './timeline.js';

export const FPS = 25;

export interface GraphOptions {
  width: number;
  height: number;
  scenes: readonly SceneTiming[];
  total: number;
  music: boolean;
  /** Path of the SRT to draw into the picture (already escaped for the filter), or none. */
  burnSubtitles?: string;
}

/**
 * The filter graph: inputs are the n pictures, then the n narrations, then the music. Each picture
 * gets a slow zoom (alternately in and out) for as long as it is on screen; pictures cross-fade;
 * narrations are padded to their scene and joined; music is looped quietly underneath; the mix is
 * loudness-normalised to EBU R128 (-16 LUFS, the level phones and browsers play comfortably).
 */
export function filterGraph({ width, height, scenes, total, music, burnSubtitles }: GraphOptions): string {
  const n = scenes.length;
  const parts: string[] = [];
  scenes.forEach((s, i) => {
    const frames = Math.max(1, Math.round(s.length * FPS));
    const zoom = i % 2 === 0 ? `1+0.15*on/${frames}` : `1.15-0.15*on/${frames}`;
    parts.push(
      `[${i}:v]scale=${width * 2}:${height * 2}:force_original_aspect_ratio=increase,crop=${width * 2}:${height * 2},` +
        `zoompan=z='${zoom}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=${frames}:s=${width}x${height}:fps=${FPS},` +
        `trim=duration=${s.length.toFixed(3)},setsar=1,format=yuv420p[v${i}]`,
    );
    const keep = i === n - 1 ? s.length : s.length - CROSSFADE_S;
    parts.push(`[${n + i}:a]aresample=48000,aformat=channel_layouts=stereo,apad=whole_dur=${keep.toFixed(3)},atrim=duration=${keep.toFixed(3)}[a${i}]`);
  });
  let video = 'v0';
  for (let i = 1; i < n; i++) {
    const out = `x${i}`;
    parts.push(`[${video}][v${i}]xfade=transition=fade:duration=${CROSSFADE_S}:offset=${scenes[i]!.start.toFixed(3)}[${out}]`);
    video = out;
  }
  parts.push(`[${video}]${burnSubtitles ? `subtitles=filename=${burnSubtitles},` : ''}format=yuv420p[vout]`);
  parts.push(`${scenes.map((_, i) => `[a${i}]`).join('')}concat=n=${n}:v=0:a=1[narration]`);
  if (music) {
    parts.push(`[${2 * n}:a]aresample=48000,aformat=channel_layouts=stereo,volume=0.12,atrim=duration=${total.toFixed(3)}[music]`);
    parts.push(`[narration][music]amix=inputs=2:duration=first:normalize=0[mixed]`);
  }
  parts.push(`[${music ? 'mixed' : 'narration'}]loudnorm=I=-16:TP=-1.5:LRA=11,aresample=48000[aout]`);
  return parts.join(';');
}

/** A path for a filter argument; ours are temp files, so anything needing escapes is refused. */
export function filterPath(path: string): string {
  if (!/^[A-Za-z0-9/._-]+$/.test(path)) throw new Error(`unexpected characters in ${path}`);
  return path;
}
