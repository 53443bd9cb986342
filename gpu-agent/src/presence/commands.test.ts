import { describe, expect, it } from 'vitest';
import { parseCommand } from './commands.js';

describe('command payloads', () => {
  it('accepts the button presses and the accepting switch', () => {
    expect(parseCommand('suspend', Buffer.from('PRESS'))).toEqual({ ok: true, command: { name: 'suspend' } });
    expect(parseCommand('free-vram', Buffer.from('PRESS\n'))).toEqual({ ok: true, command: { name: 'free-vram' } });
    expect(parseCommand('accepting', Buffer.from('OFF'))).toEqual({ ok: true, command: { name: 'accepting', on: false } });
  });

  it.each([
    ['reboot', 'PRESS', /unknown command "reboot"/],
    ['suspend', 'press', /suspend: payload must be "PRESS"/],
    ['suspend', '', /payload must be "PRESS"/],
    ['accepting', 'true', /accepting: payload must be "ON" or "OFF"/],
    ['restart-worker', 'x'.repeat(1000), /1000 bytes is over 64/],
    ['accepting', '\u0000\u00ff', /payload must be/],
  ])('rejects %s %j with a reason', (name, payload, reason) => {
    const r = parseCommand(name, Buffer.from(payload));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(reason);
  });
});
