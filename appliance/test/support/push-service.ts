import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '@hearth/testkit';

/**
 * A push service stand-in for tests (there is no real one offline). It follows RFC 8030: a
 * message is a POST to the subscription's endpoint with a TTL header, answered 201 Created with a
 * Location; an endpoint can instead answer 410 Gone (an expired subscription) or never answer (a
 * hung service). It serves https with a certificate of its own (`ca` to trust it).
 */
export interface PushDelivery {
  token: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

type Behaviour = 'accept' | 'gone' | 'hang';

export interface PushServiceStandIn {
  ca: string;
  origin: string;
  deliveries: PushDelivery[];
  /** Requests still open on a hung endpoint. */
  hanging: number;
  endpoint(token: string): string;
  behave(token: string, b: Behaviour): void;
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushServiceStandIn> {
  const dir = await tempDir('hearth-push-');
  const key = join(dir.path, 'key.pem');
  const cert = join(dir.path, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  const ca = await readFile(cert, 'utf8');
  const behaviours = new Map<string, Behaviour>();
  const deliveries: PushDelivery[] = [];
  const open = new Set<ServerResponse>();
  let seq = 0;
  const server: Server = createServer({ key: await readFile(key), cert: ca }, (req, res) => {
    const m = /^\/push\/([\w-]+)$/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || !m) return void res.writeHead(404).end();
      if (req.headers.ttl === undefined || !/^\d+$/.test(String(req.headers.ttl))) return void res.writeHead(400).end('TTL header required (RFC 8030 5.2)');
      const token = m[1]!;
      const b = behaviours.get(token) ?? 'accept';
      if (b === 'hang') {
        open.add(res);
        res.on('close', () => open.delete(res));
        deliveries.push({ token, headers: req.headers, body: Buffer.concat(chunks) });
        return;
      }
      if (b === 'gone') return void res.writeHead(410).end('push subscription has unsubscribed or expired');
      deliveries.push({ token, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(201, { location: `/message/${++seq}` }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const origin = `https://127.0.0.1:${port}`;
  return {
    ca,
    origin,
    deliveries,
    get hanging() {
      return open.size;
    },
    endpoint: (token) => `${origin}/push/${token}`,
    behave: (token, b) => void behaviours.set(token, b),
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dir.remove();
    },
  };
}

/** A browser's side of a subscription: its P-256 key pair and auth secret (RFC 8291 §2, §3). */
export class TestSubscriber {
  readonly ecdh: ECDH = createECDH('prime256v1');
  readonly auth = randomBytes(16);

  constructor() {
    this.ecdh.generateKeys();
  }

  keys(): { p256dh: string; auth: string } {
    return { p256dh: this.ecdh.getPublicKey().toString('base64url'), auth: this.auth.toString('base64url') };
  }

  /** Decrypt an aes128gcm body (RFC 8188 header, RFC 8291 keys) as a user agent does. */
  decrypt(body: Buffer): string {
    const salt = body.subarray(0, 16);
    const rs = body.readUInt32BE(16);
    const idLen = body[20]!;
    const serverKey = body.subarray(21, 21 + idLen);
    const record = body.subarray(21 + idLen);
    if (record.length > rs) throw new Error('more than one record');
    const shared = this.ecdh.computeSecret(serverKey);
    const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), this.ecdh.getPublicKey(), serverKey]);
    const ikm = Buffer.from(hkdfSync('sha256', shared, this.auth, keyInfo, 32));
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    // The last record ends with the delimiter 0x02, then zero padding (RFC 8188 §2).
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    if (padded[end] !== 2) throw new Error('no last-record delimiter');
    return padded.subarray(0, end).toString('utf8');
  }
}

/**
 * The VAPID claim (RFC 8292): `Authorization: vapid t=<ES256 JWT>, k=<public key>`; the JWT's
 * signature checks against k, its audience is the push service's origin and it has not expired.
 */
export function vapidClaim(authorization: string | undefined, origin: string, now = Date.now()): { publicKey: string; sub: string } {
  const m = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(authorization ?? '');
  if (!m) throw new Error(`not a VAPID authorization: ${authorization}`);
  const [, header, payload, signature, k] = m;
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: Buffer.from(k!, 'base64url').subarray(1, 33).toString('base64url'),
    y: Buffer.from(k!, 'base64url').subarray(33, 65).toString('base64url'),
  };
  const ok = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature!, 'base64url'),
  );
  if (!ok) throw new Error('VAPID signature does not verify');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as { aud: string; exp: number; sub: string };
  if (claims.aud !== origin) throw new Error(`VAPID audience ${claims.aud}, expected ${origin}`);
  if (claims.exp * 1000 <= now || claims.exp * 1000 > now + 24 * 3600_000) throw new Error('VAPID expiry out of range');
  return { publicKey: k!, sub: claims.sub };
}
