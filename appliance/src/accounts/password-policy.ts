import { readFileSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../http/errors.js';

const LIST = new URL('./common-passwords.txt', import.meta.url);

type Lang = 'en' | 'pl';
const MESSAGES: Record<Lang, { common: string; username: string }> = {
  en: {
    common: '{field}: this password is one of the most common ones, which attackers try first; choose another',
    username: '{field} must not contain the username',
  },
  pl: {
    common: '{field}: to hasło jest jednym z najczęściej używanych i atakujący próbują go jako pierwszego; wybierz inne',
    username: '{field} nie może zawierać nazwy użytkownika',
  },
};

/**
 * What a new password must pass beyond its length (ASVS 2.1.7): not on the shipped list of
 * common and breached passwords, and not the username or a password containing it.
 */
export class PasswordPolicy {
  private readonly common: ReadonlySet<string>;

  constructor(common: Iterable<string>) {
    this.common = new Set([...common].map((p) => p.toLowerCase()));
  }

  static load(file: URL | string = LIST): PasswordPolicy {
    const lines = readFileSync(file, 'utf8').split('\n');
    return new PasswordPolicy(lines.filter((l) => l !== '' && !l.startsWith('#')));
  }

  /** 400 naming `field`, in the caller's language, when `password` may not be used by `username`. */
  check(request: FastifyRequest, field: string, password: string, username: string): void {
    const m = MESSAGES[requestLang(request)];
    const lower = password.toLowerCase();
    if (username && lower.includes(username.toLowerCase())) throw badRequest(m.username.replace('{field}', field));
    if (this.common.has(lower) || this.common.has(lower.trim())) throw badRequest(m.common.replace('{field}', field));
  }
}

/** The portal sends its chosen language as Accept-Language; Polish or English (the default). */
function requestLang(request: FastifyRequest): Lang {
  const first = String(request.headers['accept-language'] ?? '')
    .split(',')[0]!
    .trim()
    .toLowerCase();
  return first.startsWith('pl') ? 'pl' : 'en';
}
