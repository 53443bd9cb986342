import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { COMMANDS, PRESS, type CommandName } from './entities.js';

const Press = Type.Literal(PRESS);
const OnOff = Type.Union([Type.Literal('ON'), Type.Literal('OFF')]);
const PAYLOADS = { suspend: Press, 'restart-worker': Press, 'free-vram': Press, accepting: OnOff } as const;
const MAX_PAYLOAD = 64;

export type Command = { name: Exclude<CommandName, 'accepting'> } | { name: 'accepting'; on: boolean };

/** Validates a command arriving on `…/cmd/<name>`; anything else is an error that names the problem. */
export function parseCommand(name: string, payload: Buffer): { ok: true; command: Command } | { ok: false; error: string } {
  if (!(COMMANDS as readonly string[]).includes(name)) return { ok: false, error: `unknown command "${name.slice(0, 40)}"` };
  if (payload.length > MAX_PAYLOAD) return { ok: false, error: `${name}: payload of ${payload.length} bytes is over ${MAX_PAYLOAD}` };
  const text = payload.toString('utf8').trim();
  const cmd = name as CommandName;
  if (!Value.Check(PAYLOADS[cmd], text)) {
    return { ok: false, error: `${name}: payload must be ${cmd === 'accepting' ? '"ON" or "OFF"' : `"${PRESS}"`}, got ${JSON.stringify(text.slice(0, 20))}` };
  }
  return { ok: true, command: cmd === 'accepting' ? { name: cmd, on: text === 'ON' } : { name: cmd } };
}
