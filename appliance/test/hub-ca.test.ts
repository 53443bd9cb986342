import { X509Certificate } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@hearth/testkit';
import { HttpClient } from './support/http-client.js';
import { startTestAppliance, TEST_PASSWORD, type TestAppliance } from './support/harness.js';
import { selfSignedCert } from './support/openssl.js';

/** The hub's root certificate (HEARTH_CA_CERT) as the appliance offers it: only a real CA certificate, read fresh each time. */
describe('hub CA download', () => {
  let t: TestAppliance;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let admin: HttpClient;
  let certPath: string;
  let ca: string;
  let leaf: string;

  beforeAll(async () => {
    dir = await tempDir('hearth-hub-ca-');
    certPath = join(dir.path, 'root.crt');
    ca = await selfSignedCert(dir.path, 'ca', ['-addext', 'basicConstraints=critical,CA:TRUE']);
    leaf = await selfSignedCert(dir.path, 'leaf', ['-addext', 'basicConstraints=critical,CA:FALSE']);
    t = await startTestAppliance({ product: true, config: { hubCaCert: certPath } });
    admin = new HttpClient(t.url);
    expect((await admin.post('/api/onboarding', { username: 'admin', displayName: 'Admin', password: TEST_PASSWORD })).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await dir?.remove();
  });

  const anonymous = () => new HttpClient(t.url);

  it('says clearly that there is none until the file exists, and serves it (to anyone) once it does', async () => {
    await rm(certPath, { force: true });
    const none = await anonymous().get('/hearth-ca.crt');
    expect(none.status).toBe(404);
    expect(none.json).toMatchObject({ code: 'hub-ca-missing', message: expect.stringMatching(/no certificate authority of its own/) });
    expect((await admin.get('/api/admin/hub-ca')).json).toEqual({ available: false, path: certPath, fingerprintSha256: null, subject: null, validTo: null });

    // Caddy made its CA meanwhile: no restart needed.
    await writeFile(certPath, await readFile(ca));
    const got = await anonymous().get('/hearth-ca.crt');
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/x-x509-ca-cert');
    expect(got.headers.get('content-disposition')).toBe('attachment; filename="hearth-ca.crt"');
    const served = new X509Certificate(got.text);
    const expected = new X509Certificate(await readFile(ca));
    expect(served.fingerprint256).toBe(expected.fingerprint256);
    const info = (await admin.get('/api/admin/hub-ca')).json;
    expect(info).toMatchObject({ available: true, path: certPath, fingerprintSha256: expected.fingerprint256, subject: 'CN=ca' });
    expect(info.validTo).toBe(Date.parse(expected.validTo));
  });

  it('never offers a site certificate, garbage or an oversized file as something to trust', async () => {
    for (const content of [await readFile(leaf, 'utf8'), 'not a certificate', `${'x'.repeat(70_000)}\n${await readFile(ca, 'utf8')}`]) {
      await writeFile(certPath, content);
      expect((await anonymous().get('/hearth-ca.crt')).status).toBe(404);
      expect((await admin.get('/api/admin/hub-ca')).json.available).toBe(false);
    }
  });

  it('keeps the certificate details to admins; the download stays public', async () => {
    await writeFile(certPath, await readFile(ca));
    expect((await anonymous().get('/api/admin/hub-ca')).status).toBe(401);
    expect((await anonymous().get('/hearth-ca.crt')).status).toBe(200);
  });
});

describe('hub CA without HEARTH_CA_CERT (development)', () => {
  let t: TestAppliance;
  beforeAll(async () => {
    t = await startTestAppliance({ product: true });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('has nothing to download and says so', async () => {
    const admin = new HttpClient(t.url);
    expect((await admin.post('/api/onboarding', { username: 'admin', displayName: 'Admin', password: TEST_PASSWORD })).status).toBe(201);
    expect((await admin.get('/api/admin/hub-ca')).json).toEqual({ available: false, path: null, fingerprintSha256: null, subject: null, validTo: null });
    expect((await admin.get('/hearth-ca.crt')).json.code).toBe('hub-ca-missing');
  });
});
