import { useState } from 'preact/hooks';
import type { MqttBrokerInfo } from '@hearth/protocol';
import type { ApiError } from '../../api.js';
import { ShownOnce } from '../../components/copy-button.js';
import { Field } from '../../components/field.js';
import { ErrorNotice, Loading } from '../../components/notice.js';
import { useI18n } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { useSession } from '../../session.js';
import { useResource } from '../../use-resource.js';
import { TrustHub } from './trust-hub.js';

type DeviceKind = 'kiosk' | 'agent' | 'home-assistant';
interface Device {
  id: number;
  kind: DeviceKind;
  name: string;
  createdAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
  mqttAgentId: string | null;
}
const KINDS: DeviceKind[] = ['kiosk', 'agent', 'home-assistant'];
const kindKey = (k: DeviceKind): MessageKey => `device.${k}`;

export function DevicesPage() {
  const { t, formatDate } = useI18n();
  const { api } = useSession();
  const devices = useResource<{ devices: Device[] }>('/api/admin/devices');
  const [kind, setKind] = useState<DeviceKind>('agent');
  const [name, setName] = useState('');
  const broker = useResource<MqttBrokerInfo>('/api/admin/mqtt-broker');
  const [token, setToken] = useState<{ name: string; kind: DeviceKind; token: string } | null>(null);
  const [error, setError] = useState<ApiError | string | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    if (!name.trim()) return setError(t('admin.deviceNameNeeded'));
    try {
      const made = await api.post<{ device: Device; token: string }>('/api/admin/devices', { kind, name: name.trim() });
      setToken({ name: made.device.name, kind: made.device.kind, token: made.token });
      setName('');
      setError(null);
      devices.reload();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  const revoke = async (d: Device) => {
    if (!confirm(t('admin.revokeConfirm', { name: d.name }))) return;
    try {
      await api.delete(`/api/admin/devices/${d.id}`);
      devices.reload();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('admin.devices')}</h1>
      <form onSubmit={(e) => void create(e)} class="card stack" aria-labelledby="newdev-h">
        <h2 id="newdev-h">{t('admin.addDevice')}</h2>
        <div class="row end">
          <Field id="device-kind" label={t('admin.deviceKind')}>
            <select id="device-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as DeviceKind)}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(kindKey(k))}
                </option>
              ))}
            </select>
          </Field>
          <Field id="device-name" label={t('admin.deviceName')}>
            <input id="device-name" maxLength={60} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <button type="submit" class="primary">
            {t('admin.createDevice')}
          </button>
        </div>
        {token && (
          <>
            <ShownOnce label={t('admin.tokenFor', { name: token.name })} value={token.token} />
            <p class="notice notice-warning">{t('admin.tokenOnce')}</p>
            {broker.data && <MqttHint kind={token.kind} broker={broker.data} />}
          </>
        )}
        <ErrorNotice error={error} />
      </form>
      <TrustHub />
      <KioskPairing />
      <section class="card stack" aria-labelledby="devlist-h">
        <h2 id="devlist-h">{t('admin.deviceList')}</h2>
        {!devices.data && <Loading />}
        <ul class="plain stack">
          {devices.data?.devices.map((d) => (
            <li key={d.id} class="row spread">
              <span>
                <strong>{d.name}</strong>{' '}
                <span class="muted small">
                  {t(kindKey(d.kind))} · {d.lastSeenAt ? t('admin.lastSeen', { when: formatDate(d.lastSeenAt) }) : t('admin.neverSeen')}
                  {d.mqttAgentId && ` · ${t('admin.mqttAs', { user: `${broker.data?.agentUserPrefix ?? ''}${d.mqttAgentId}` })}`}
                </span>
              </span>
              {d.revokedAt ? (
                <span class="badge badge-cancelled">{t('admin.revoked')}</span>
              ) : (
                <button type="button" class="small" onClick={() => void revoke(d)} aria-label={t('admin.revokeDevice', { name: d.name })}>
                  {t('admin.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}

/** How the new token signs in to MQTT (Home Assistant and agents). */
function MqttHint({ kind, broker }: { kind: DeviceKind; broker: MqttBrokerInfo }) {
  const { t } = useI18n();
  if (kind === 'kiosk') return null;
  if (!broker.embedded) return <p class="muted small">{t('admin.mqttExternal')}</p>;
  const port = String(broker.port);
  return (
    <div class="stack">
      <p class="small">
        {kind === 'home-assistant'
          ? t('admin.mqttHaHint', { port, user: broker.homeAssistantUser })
          : t('admin.mqttAgentHint', { port, prefix: broker.agentUserPrefix })}
      </p>
      {!broker.reachableFromLan && <p class="notice notice-info small">{t('admin.mqttLoopback')}</p>}
    </div>
  );
}

/** Pairing codes for wall displays, once the kiosk capability is installed. */
function KioskPairing() {
  const { t, formatDate } = useI18n();
  const { api } = useSession();
  const [name, setName] = useState('');
  const [code, setCode] = useState<{ code: string; url: string; expiresAt: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      setCode(await api.post('/api/admin/kiosk/pairing-codes', { name: name.trim() || 'Kiosk' }));
      setError(null);
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <form onSubmit={(e) => void create(e)} class="card stack" aria-labelledby="pair-h">
      <h2 id="pair-h">{t('admin.pairKiosk')}</h2>
      <p class="muted">{t('admin.pairIntro')}</p>
      <div class="row end">
        <Field id="kiosk-name" label={t('admin.deviceName')}>
          <input id="kiosk-name" maxLength={60} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <button type="submit">{t('admin.pairButton')}</button>
      </div>
      {code && (
        <div class="stack">
          <p class="big" aria-label={t('admin.pairingCode')}>
            {code.code}
          </p>
          <ShownOnce label={t('admin.pairingUrl')} value={code.url} />
          <p class="muted small">
            {t('admin.expires')}: {formatDate(code.expiresAt)}
          </p>
        </div>
      )}
      {error?.status === 404 ? <p class="notice notice-info">{t('common.notAvailable')}</p> : <ErrorNotice error={error} />}
    </form>
  );
}
