import { describe, expect, it } from 'vitest';
import { hubCaDownloadUrl } from '../web/src/pages/admin/hub-ca-url.js';

const at = (href: string) => {
  const u = new URL(href);
  return { protocol: u.protocol, hostname: u.hostname, port: u.port, origin: u.origin };
};

describe('where the QR code sends a phone for the hub certificate', () => {
  it("behind the installer's Caddy (HTTPS on 443): plain HTTP, so an untrusting phone gets no warning", () => {
    expect(hubCaDownloadUrl(at('https://hearth.local/admin/devices'))).toBe('http://hearth.local/hearth-ca.crt');
    expect(hubCaDownloadUrl(at('https://192.168.1.20/admin/devices'))).toBe('http://192.168.1.20/hearth-ca.crt');
  });

  it("anywhere else (development, other ports): the page's own origin", () => {
    expect(hubCaDownloadUrl(at('http://127.0.0.1:8080/admin/devices'))).toBe('http://127.0.0.1:8080/hearth-ca.crt');
    expect(hubCaDownloadUrl(at('https://127.0.0.1:8443/admin/devices'))).toBe('https://127.0.0.1:8443/hearth-ca.crt');
  });
});
