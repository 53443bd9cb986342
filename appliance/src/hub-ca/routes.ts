import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HUB_CA_DOWNLOAD_PATH, HubCaInfo } from '@hearth/protocol';
import { ADMIN } from '../http/access.js';
import { HttpError } from '../http/errors.js';
import { readHubCa } from './certificate.js';

/**
 * The hub's root certificate, for phones to trust once (Admin → Devices shows a QR code to this
 * download). The download is public on purpose: a phone that scans the code is not signed in, and a
 * root certificate is public by nature — the admin compares the fingerprint shown on the page.
 */
export const hubCaRoutes: FastifyPluginAsyncTypebox<{ certPath: string | undefined }> = async (app, opts) => {
  app.get(
    '/api/admin/hub-ca',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'The root certificate of the hub’s HTTPS, if it has one', response: { 200: HubCaInfo } },
    },
    async () => {
      const ca = await readHubCa(opts.certPath);
      return {
        available: ca !== null,
        path: opts.certPath ?? null,
        fingerprintSha256: ca?.fingerprintSha256 ?? null,
        subject: ca?.subject ?? null,
        validTo: ca?.validTo ?? null,
      };
    },
  );

  app.get(
    HUB_CA_DOWNLOAD_PATH,
    {
      config: { access: 'public' },
      schema: { tags: ['devices'], summary: 'Download the hub’s root certificate (PEM) to trust it on a phone or computer' },
    },
    async (_request, reply) => {
      const ca = await readHubCa(opts.certPath);
      if (!ca)
        throw new HttpError(
          404,
          'This hub has no certificate authority of its own (it is not behind the HTTPS proxy the installer sets up)',
          {},
          undefined,
          'hub-ca-missing',
        );
      // application/x-x509-ca-cert makes Android, iOS and desktop browsers offer to install it as a CA.
      return reply
        .header('content-type', 'application/x-x509-ca-cert')
        .header('content-disposition', 'attachment; filename="hearth-ca.crt"')
        .header('cache-control', 'no-cache')
        .send(ca.pem);
    },
  );
};
