import { PRESS } from './entities.js';

/** Longest payload any command takes (a kiosk page name is ≤ 80 characters). */
const MAX_PAYLOAD = 128;
const PRESET = /^preset\/([1-9][0-9]{0,11})$/;

export type DeviceCommand =
  | { name: 'preset'; presetId: number }
  | { name: 'night_mode'; on: boolean }
  | { name: 'page'; page: string }
  | { name: 'screen'; on: boolean }
  | { name: 'wake' }
  | { name: 'presence'; on: boolean };

export type Parsed = { ok: true; command: DeviceCommand } | { ok: false; error: string };

/**
 * Validates a command from Home Assistant on `hearth/appliance/cmd/<sub>`. `pages` are the select's
 * options: a page outside them is refused here, before it reaches the kiosk.
 */
export function parseCommand(sub: string, payload: Buffer, pages: readonly string[]): Parsed {
  const shown = JSON.stringify(sub.slice(0, 40));
  if (payload.length > MAX_PAYLOAD) return { ok: false, error: `${shown}: payload of ${payload.length} bytes is over ${MAX_PAYLOAD}` };
  const text = payload.toString('utf8').trim();
  const got = JSON.stringify(text.slice(0, 20));
  const preset = PRESET.exec(sub);
  if (preset) {
    if (text !== PRESS) return { ok: false, error: `${shown}: payload must be "${PRESS}", got ${got}` };
    return { ok: true, command: { name: 'preset', presetId: Number(preset[1]) } };
  }
  if (sub === 'kiosk/night_mode') {
    if (text !== 'ON' && text !== 'OFF') return { ok: false, error: `${shown}: payload must be "ON" or "OFF", got ${got}` };
    return { ok: true, command: { name: 'night_mode', on: text === 'ON' } };
  }
  if (sub === 'kiosk/screen' || sub === 'kiosk/presence') {
    if (text !== 'ON' && text !== 'OFF') return { ok: false, error: `${shown}: payload must be "ON" or "OFF", got ${got}` };
    return { ok: true, command: { name: sub === 'kiosk/screen' ? 'screen' : 'presence', on: text === 'ON' } };
  }
  if (sub === 'kiosk/wake') {
    if (text !== PRESS) return { ok: false, error: `${shown}: payload must be "${PRESS}", got ${got}` };
    return { ok: true, command: { name: 'wake' } };
  }
  if (sub === 'kiosk/page') {
    if (!pages.includes(text)) return { ok: false, error: `${shown}: payload must be one of ${pages.join(', ')}, got ${got}` };
    return { ok: true, command: { name: 'page', page: text } };
  }
  return { ok: false, error: `unknown command ${shown}` };
}
