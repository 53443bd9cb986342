import { useEffect, useState } from 'preact/hooks';
import { PUSH_KINDS, type PushKind } from '@hearth/protocol/plain';
import type { PushStatusView, PushSubscriptionView } from '@hearth/protocol';
import { ApiError } from '../api.js';
import { ErrorNotice, Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useSession } from '../session.js';
import { useResource } from '../use-resource.js';

type Support = 'checking' | 'unsupported' | 'ready';

/** The browser's push subscription for this portal, if the service worker is installed. */
async function browserSubscription(): Promise<PushSubscription | null> {
  const reg = await navigator.serviceWorker.getRegistration('/');
  return reg ? reg.pushManager.getSubscription() : null;
}

/** VAPID keys travel base64url; pushManager wants the bytes. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/**
 * Profile → "Notifications on this device": turn Web Push on or off for this browser, choose
 * what it is told, see the other devices, and whether Home Assistant notifies as well.
 */
export function DeviceNotifications() {
  const { t, lang, formatDate } = useI18n();
  const { api } = useSession();
  const status = useResource<PushStatusView>('/api/push');
  const [support, setSupport] = useState<Support>('checking');
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | string | null>(null);
  const [saved, setSaved] = useState(false);
  // The boxes show a choice at once; the hub's list catches up when it reloads.
  const [chosen, setChosen] = useState<PushKind[] | null>(null);

  useEffect(() => {
    if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
      setSupport('unsupported');
      return;
    }
    browserSubscription().then(
      (s) => {
        setEndpoint(s?.endpoint ?? null);
        setSupport('ready');
      },
      () => setSupport('unsupported'),
    );
  }, []);

  const mine: PushSubscriptionView | undefined = status.data?.subscriptions.find((s) => s.endpoint === endpoint);
  const shownKinds: readonly PushKind[] = chosen ?? mine?.kinds ?? [];

  const save = async (sub: PushSubscriptionJSON, kinds: readonly PushKind[] | undefined) => {
    await api.post('/api/push/subscriptions', {
      endpoint: sub.endpoint,
      keys: { p256dh: sub.keys?.p256dh, auth: sub.keys?.auth },
      lang,
      ...(kinds ? { kinds } : {}),
    });
  };

  // Notifications are written in the portal's language: follow it when it changes.
  useEffect(() => {
    if (!mine || mine.lang === lang) return;
    void browserSubscription()
      .then((s) => (s ? save(s.toJSON(), mine.kinds) : undefined))
      .then(
        () => status.reload(),
        (e: ApiError) => setError(e),
      );
  }, [mine?.id, mine?.lang, lang]);

  const act = (work: () => Promise<void>) => async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await work();
    } catch (e) {
      // The hub's refusals say what to do; the browser's own (no push service reachable) are named.
      setError(e instanceof ApiError ? e : t('notify.browserFailed', { reason: (e as Error).message }));
    } finally {
      setBusy(false);
      status.reload();
    }
  };

  const enable = act(async () => {
    if ((await Notification.requestPermission()) !== 'granted') return setError(t('notify.denied'));
    const reg = await navigator.serviceWorker.ready;
    // A subscription the hub does not know (made for an older key) is replaced.
    const old = await reg.pushManager.getSubscription();
    if (old && !status.data?.subscriptions.some((s) => s.endpoint === old.endpoint)) await old.unsubscribe();
    const sub =
      (await reg.pushManager.getSubscription()) ??
      (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(status.data!.publicKey) }));
    await save(sub.toJSON(), undefined);
    setEndpoint(sub.endpoint);
  });

  const disable = act(async () => {
    if (mine) await api.delete(`/api/push/subscriptions/${mine.id}`);
    await (await browserSubscription())?.unsubscribe();
    setEndpoint(null);
  });

  const toggleKind = (kind: PushKind, on: boolean) =>
    act(async () => {
      if (!mine) return;
      const s = await browserSubscription();
      if (!s) return;
      const next = PUSH_KINDS.filter((k) => (k === kind ? on : shownKinds.includes(k)));
      setChosen(next);
      try {
        await save(s.toJSON(), next);
        setSaved(true);
      } catch (e) {
        setChosen(null);
        throw e;
      }
    });

  const remove = (id: number) =>
    act(async () => {
      await api.delete(`/api/push/subscriptions/${id}`);
    });

  const others = status.data?.subscriptions.filter((s) => s !== mine) ?? [];
  return (
    <section class="card stack" aria-labelledby="notify-h" data-testid="notifications">
      <h2 id="notify-h">{t('notify.title')}</h2>
      <p>{t('notify.intro')}</p>
      {support === 'unsupported' && <Notice kind="warning">{t('notify.unsupported')}</Notice>}
      {support === 'ready' && status.data && (
        <>
          <p data-testid="notify-state">{t(mine ? 'notify.on' : 'notify.off')}</p>
          <div class="row">
            {mine ? (
              <button type="button" disabled={busy} onClick={() => void disable()}>
                {t('notify.disable')}
              </button>
            ) : (
              <button type="button" class="primary" disabled={busy} onClick={() => void enable()}>
                {t('notify.enable')}
              </button>
            )}
          </div>
          {mine && (
            <fieldset class="stack">
              <legend>{t('notify.kinds')}</legend>
              {PUSH_KINDS.map((kind) => (
                <label key={kind} class="row">
                  <input
                    type="checkbox"
                    name={kind}
                    checked={shownKinds.includes(kind)}
                    disabled={busy}
                    onChange={(e) => void toggleKind(kind, e.currentTarget.checked)()}
                  />
                  {t(`notify.kind.${kind}`)}
                </label>
              ))}
            </fieldset>
          )}
          {saved && <Notice kind="success">{t('notify.saved')}</Notice>}
        </>
      )}
      <ErrorNotice error={error ?? status.error} />
      {others.length > 0 && (
        <>
          <h3>{t('notify.devices')}</h3>
          <ul class="stack" data-testid="notify-devices">
            {others.map((s) => (
              <li key={s.id} class="row wrap">
                <span>
                  {s.service} · {t('notify.since', { date: formatDate(s.createdAt) })}
                </span>
                <button type="button" disabled={busy} onClick={() => void remove(s.id)()}>
                  {t('notify.remove')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {status.data && (
        <p class="muted" data-testid="notify-ha">
          {t(`notify.ha.${status.data.homeAssistantNotify}`)}
        </p>
      )}
    </section>
  );
}
