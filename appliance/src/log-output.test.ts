import { PassThrough } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_REDACT } from './http/log-redaction.js';
import { logOutput } from './log-output.js';

function capture(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  return { stream, text: () => out };
}

describe('log output', () => {
  it('is readable lines in a terminal, with secrets still redacted', () => {
    const tty = capture(true);
    const log = pino({ level: 'info', redact: LOG_REDACT }, logOutput(tty.stream));
    log.info({ job: 'j1', headers: { cookie: 'hearth_session=secret' } }, 'job queued');
    const text = tty.text();
    expect(text.trimStart().startsWith('{')).toBe(false);
    expect(text).toMatch(/\d\d:\d\d:\d\d/);
    expect(text).toMatch(/INFO/);
    expect(text).toContain('job queued');
    expect(text).toContain('j1');
    expect(text).not.toContain('secret');
  });

  it('is one JSON object per line otherwise (systemd, containers)', () => {
    const pipe = capture(false);
    const log = pino({ level: 'info' }, logOutput(pipe.stream));
    log.info({ job: 'j1' }, 'job queued');
    expect(JSON.parse(pipe.text().trim())).toMatchObject({ level: 30, msg: 'job queued', job: 'j1' });
  });
});
