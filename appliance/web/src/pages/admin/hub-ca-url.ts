import { HUB_CA_DOWNLOAD_PATH } from '@hearth/protocol/plain';

/**
 * The address a phone should open to get the hub's root certificate. Behind the installer's Caddy
 * (HTTPS on the standard port) that is plain HTTP: a phone that does not trust the hub yet gets the
 * file without a certificate warning. Elsewhere (development, other ports) the page's own origin.
 */
export function hubCaDownloadUrl(loc: Pick<Location, 'protocol' | 'hostname' | 'port' | 'origin'>): string {
  if (loc.protocol === 'https:' && loc.port === '') return `http://${loc.hostname}${HUB_CA_DOWNLOAD_PATH}`;
  return `${loc.origin}${HUB_CA_DOWNLOAD_PATH}`;
}
