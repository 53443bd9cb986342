/** Reads a 16-bit PCM WAV's length and loudness (speech engines write these). */
export interface WavInfo {
  sampleRate: number;
  channels: number;
  seconds: number;
  /** Root mean square of the samples, 0..1 of full scale. */
  rms: number;
}

export function wavInfo(wav: Buffer): WavInfo {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let offset = 12;
  let fmt: { channels: number; sampleRate: number; bits: number } | undefined;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    // Streamed WAVs may carry a placeholder size; the data then runs to the end of the file.
    const size = Math.min(wav.readUInt32LE(offset + 4), wav.length - offset - 8);
    const body = offset + 8;
    if (id === 'fmt ') fmt = { channels: wav.readUInt16LE(body + 2), sampleRate: wav.readUInt32LE(body + 4), bits: wav.readUInt16LE(body + 14) };
    if (id === 'data') {
      if (!fmt || fmt.bits !== 16) throw new Error('only 16-bit PCM WAV is supported');
      const samples = Math.floor(size / 2);
      let sum = 0;
      for (let i = 0; i < samples; i++) sum += (wav.readInt16LE(body + i * 2) / 32768) ** 2;
      return {
        sampleRate: fmt.sampleRate,
        channels: fmt.channels,
        seconds: samples / fmt.channels / fmt.sampleRate,
        rms: samples ? Math.sqrt(sum / samples) : 0,
      };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file has no data');
}
