import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** A pass-through stream that hashes what flows through it. */
export function hashingStream(): { stream: Transform; result: () => { sha256: string; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ sha256: hash.digest('hex'), size }) };
}

/** Copy a file and hash the bytes actually written, so the manifest describes the copy itself. */
export async function copyAndHash(from: string, to: string, mode = 0o600): Promise<{ sha256: string; size: number }> {
  const h = hashingStream();
  await pipeline(createReadStream(from), h.stream, createWriteStream(to, { mode, flags: 'wx' }));
  return h.result();
}
