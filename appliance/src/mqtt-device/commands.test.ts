import { describe, expect, it } from 'vitest';
import { parseCommand } from './commands.js';

const pages = ['home', 'photos'];

describe('appliance command payloads', () => {
  it('accepts a preset press, the night-mode switch and a known page', () => {
    expect(parseCommand('preset/12', Buffer.from('PRESS'), pages)).toEqual({ ok: true, command: { name: 'preset', presetId: 12 } });
    expect(parseCommand('kiosk/night_mode', Buffer.from('ON\n'), pages)).toEqual({ ok: true, command: { name: 'night_mode', on: true } });
    expect(parseCommand('kiosk/night_mode', Buffer.from('OFF'), pages)).toEqual({ ok: true, command: { name: 'night_mode', on: false } });
    expect(parseCommand('kiosk/page', Buffer.from('photos'), pages)).toEqual({ ok: true, command: { name: 'page', page: 'photos' } });
  });

  it('accepts the screen switch, the wake button and presence held by an automation', () => {
    expect(parseCommand('kiosk/screen', Buffer.from('OFF'), pages)).toEqual({ ok: true, command: { name: 'screen', on: false } });
    expect(parseCommand('kiosk/wake', Buffer.from('PRESS'), pages)).toEqual({ ok: true, command: { name: 'wake' } });
    expect(parseCommand('kiosk/presence', Buffer.from('ON'), pages)).toEqual({ ok: true, command: { name: 'presence', on: true } });
  });

  it.each([
    ['preset/0', 'PRESS', /unknown command "preset\/0"/],
    ['preset/1/x', 'PRESS', /unknown command/],
    ['preset/abc', 'PRESS', /unknown command/],
    ['preset/3', 'press', /payload must be "PRESS", got "press"/],
    ['kiosk/night_mode', 'true', /payload must be "ON" or "OFF"/],
    ['kiosk/page', 'settings', /payload must be one of home, photos, got "settings"/],
    ['kiosk/page', 'x'.repeat(500), /500 bytes is over 128/],
    ['reboot', 'PRESS', /unknown command "reboot"/],
    ['kiosk/screen', 'on', /payload must be "ON" or "OFF", got "on"/],
    ['kiosk/wake', 'ON', /payload must be "PRESS"/],
    ['kiosk/presence', '1', /payload must be "ON" or "OFF"/],
    ['kiosk/night_mode', '\u0000\u00ff', /payload must be/],
  ])('rejects %s %j with a reason', (sub, payload, reason) => {
    const r = parseCommand(sub, Buffer.from(payload), pages);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(reason);
  });
});
