import { useEffect, useState } from 'preact/hooks';
import type { HubCaInfo } from '@hearth/protocol';
import { HUB_CA_DOWNLOAD_PATH } from '@hearth/protocol/plain';
import { ErrorNotice, Loading } from '../../components/notice.js';
import { useI18n } from '../../i18n/i18n.js';
import { useResource } from '../../use-resource.js';
import { hubCaDownloadUrl } from './hub-ca-url.js';

const PLATFORMS = ['android', 'ios', 'windows', 'macos', 'kiosk'] as const;

/** "Trust this hub on your phone": the root certificate of the hub's HTTPS by QR code and download, and how to trust it. */
export function TrustHub() {
  const { t, formatDate } = useI18n();
  const ca = useResource<HubCaInfo>('/api/admin/hub-ca');
  const url = hubCaDownloadUrl(location);
  // The QR encoder (uqr, ~4 KB gzipped) loads with this page only, not with every portal page.
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void import('uqr').then(({ renderSVG }) => {
      if (live) setQr(`data:image/svg+xml,${encodeURIComponent(renderSVG(url, { ecc: 'M', border: 2 }))}`);
    });
    return () => {
      live = false;
    };
  }, [url]);
  return (
    <section class="card stack" aria-labelledby="trust-h">
      <h2 id="trust-h">{t('trust.title')}</h2>
      {ca.loading && !ca.data && <Loading />}
      <ErrorNotice error={ca.error} />
      {ca.data && !ca.data.available && <p class="notice notice-info">{ca.data.path ? t('trust.noneAt', { path: ca.data.path }) : t('trust.none')}</p>}
      {ca.data?.available && (
        <>
          <p>{t('trust.intro')}</p>
          <div class="row trust-hub">
            {qr ? <img class="qr" src={qr} width={200} height={200} alt={t('trust.qrAlt', { url })} /> : <div class="qr qr-pending" aria-hidden="true" />}
            <div class="stack">
              <a class="button primary" href={HUB_CA_DOWNLOAD_PATH} download="hearth-ca.crt">
                {t('trust.download')}
              </a>
              <p class="small">
                {t('trust.address')}: <code>{url}</code>
              </p>
              <p class="small">
                {t('trust.fingerprint')}: <code class="fingerprint">{ca.data.fingerprintSha256}</code>
              </p>
              <p class="muted small">
                {ca.data.subject} · {t('trust.validTo', { when: formatDate(ca.data.validTo ?? 0) })}
              </p>
            </div>
          </div>
          {PLATFORMS.map((p) => (
            <details key={p}>
              <summary>{t(`trust.${p}`)}</summary>
              <ol>
                {t(`trust.${p}.steps`)
                  .split('\n')
                  .map((step) => (
                    <li key={step}>{step}</li>
                  ))}
              </ol>
            </details>
          ))}
        </>
      )}
    </section>
  );
}
