import { createECDH } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { invalidField } from '../http/errors.js';

// Addresses on the home network or the appliance itself: a "push service" there would make the
// appliance post to its own LAN on a member's say-so.
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/**
 * A browser's push endpoint, checked beyond its schema: an https URL without credentials whose
 * host is a push service on the internet. `allowPrivate` lets a test's local push service in.
 */
export function checkEndpoint(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidField({ message: 'body.endpoint must be a URL', field: 'endpoint', code: 'format', params: { format: 'uri' } });
  }
  if (url.protocol !== 'https:') throw invalidField({ message: 'body.endpoint must be an https URL', field: 'endpoint', code: 'pattern' });
  if (url.username || url.password) throw invalidField({ message: 'body.endpoint must not carry a user name or password', field: 'endpoint', code: 'pattern' });
  if (!allowPrivate && isLocal(url.hostname))
    throw invalidField({ message: 'body.endpoint must be a push service on the internet, not an address on this network', field: 'endpoint', code: 'invalid' });
  return url;
}

function isLocal(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const v = isIP(host);
  if (v === 4) return PRIVATE.check(host, 'ipv4');
  if (v === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    return mapped ? PRIVATE.check(mapped[1]!, 'ipv4') : PRIVATE.check(host, 'ipv6');
  }
  return host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || !host.includes('.');
}

/** The browser's P-256 key must be a point (65 bytes, uncompressed) and the secret 16 bytes, or no message could be encrypted. */
export function checkKeys(keys: { p256dh: string; auth: string }): void {
  const point = Buffer.from(keys.p256dh, 'base64url');
  if (point.length !== 65 || point[0] !== 4 || !onCurve(point))
    throw invalidField({ message: 'body.keys.p256dh must be an uncompressed P-256 public key (65 bytes)', field: 'keys.p256dh', code: 'invalid' });
  if (Buffer.from(keys.auth, 'base64url').length !== 16)
    throw invalidField({ message: 'body.keys.auth must be 16 bytes', field: 'keys.auth', code: 'invalid' });
}

function onCurve(point: Buffer): boolean {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  try {
    ecdh.computeSecret(point);
    return true;
  } catch {
    return false;
  }
}
