import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const COOKIE = 'hearth_known_device';
const YEAR_S = 365 * 24 * 3600;

/**
 * "This browser has logged in as this user before": a signed, HttpOnly, long-lived cookie set at
 * each successful login. It lets the right password through while someone elsewhere on the LAN
 * keeps the account itself locked; it is no credential on its own (the password is still checked).
 */
export class KnownDevices {
  constructor(private readonly secret: () => string) {}

  /** Whether this request comes from a browser that logged in as `username` before. */
  knows(request: FastifyRequest, username: string): boolean {
    const raw = request.cookies?.[COOKIE];
    if (!raw) return false;
    const [nonce, mac] = raw.split('.');
    if (!nonce || !mac) return false;
    const want = Buffer.from(this.mac(username, nonce));
    const given = Buffer.from(mac);
    return want.length === given.length && timingSafeEqual(want, given);
  }

  remember(reply: FastifyReply, username: string): void {
    const nonce = randomBytes(12).toString('base64url');
    reply.setCookie(COOKIE, `${nonce}.${this.mac(username, nonce)}`, { httpOnly: true, sameSite: 'strict', secure: 'auto', path: '/api/auth', maxAge: YEAR_S });
  }

  private mac(username: string, nonce: string): string {
    return createHmac('sha256', this.secret()).update(`known-device\0${username.toLowerCase()}\0${nonce}`).digest('base64url');
  }
}
