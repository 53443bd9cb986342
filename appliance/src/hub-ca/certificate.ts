import { X509Certificate } from 'node:crypto';
import { open } from 'node:fs/promises';

/** A root certificate is a few kilobytes; anything bigger at that path is not one. */
const MAX_BYTES = 64 * 1024;

export interface HubCa {
  pem: string;
  fingerprintSha256: string;
  subject: string;
  validTo: number;
}

/**
 * Reads the hub's root certificate (Caddy's internal CA, copied out by the installer) fresh on each
 * call: it appears once Caddy first starts, and the appliance should not need a restart for it.
 * Null when there is none or the file is not a CA certificate (a site certificate must never be
 * offered as something to trust).
 */
export async function readHubCa(path: string | undefined): Promise<HubCa | null> {
  if (!path) return null;
  let text: string;
  try {
    const file = await open(path, 'r');
    try {
      const buf = Buffer.alloc(MAX_BYTES + 1);
      const { bytesRead } = await file.read(buf, 0, buf.length, 0);
      if (bytesRead > MAX_BYTES) return null;
      text = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await file.close();
    }
  } catch {
    return null;
  }
  const pem = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/.exec(text)?.[0];
  if (!pem) return null;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return null;
  }
  if (!cert.ca) return null;
  return { pem: `${pem}\n`, fingerprintSha256: cert.fingerprint256, subject: cert.subject.replace(/\n/g, ', '), validTo: Date.parse(cert.validTo) };
}
