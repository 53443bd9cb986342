import { Type, type StringOptions } from '@sinclair/typebox';

/**
 * Characters no name may hold: C0 and C1 controls (NUL, newlines, tabs, escape), DEL, the line and
 * paragraph separators, and the bidi embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) that make "txt.exe" display as "exe.txt". Written with \u escapes so the same
 * source works as a JSON Schema pattern (Ajv, unicode mode) and as a plain RegExp (TypeBox).
 */
export const UNSAFE_NAME_CHARS = '\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069';
export const SAFE_NAME_PATTERN = `^[^${UNSAFE_NAME_CHARS}]*$`;
const SAFE_NAME = new RegExp(SAFE_NAME_PATTERN);

/** A name a person types and others see (display names, titles, preset and device names). */
export const SafeName = (options: StringOptions & { maxLength: number }) =>
  Type.String({
    minLength: 1,
    ...options,
    pattern: SAFE_NAME_PATTERN,
    description: options.description ?? 'no control characters, line breaks or bidi overrides',
  });

/** The same rule for code that checks a string by hand (MQTT payloads, settings files). */
export const isSafeName = (value: string): boolean => SAFE_NAME.test(value);
