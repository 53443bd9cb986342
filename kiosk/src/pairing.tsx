import { useEffect, useState } from 'preact/hooks';
import { api, CodeRefused } from './api.js';
import { useT, type Translate } from './i18n/i18n.js';

const REASONS: Record<string, 'pair.unknown' | 'pair.used' | 'pair.expired'> = {
  'pairing-unknown': 'pair.unknown',
  'pairing-used': 'pair.used',
  'pairing-expired': 'pair.expired',
};
/** Why the code did not work, in the wall's language. */
function refusal(err: unknown, t: Translate): string {
  if (!(err instanceof CodeRefused)) return t('pair.failed');
  if (err.code === 'pairing-throttled') return t('pair.throttled', { s: err.retryAfterS });
  return t(REASONS[err.code] ?? 'pair.unknown');
}

const KEYS = '23456789ABCDEFGHJKMNPQRSTVWXYZ'.split('');

/** The code in the link the portal makes: /kiosk#pair=CODE. */
export const codeFromHash = (hash: string) => new URLSearchParams(hash.replace(/^#/, '')).get('pair') ?? '';

/**
 * All an unpaired screen shows: how to pair it. Codes come from the portal (Admin → Kiosk); they
 * can be typed on the touch keypad, on a keyboard, or arrive in the link's #pair= part.
 */
export function Pairing({ onPaired }: { onPaired: () => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const t = useT();

  const submit = async (value: string) => {
    setBusy(true);
    setError('');
    try {
      await api.pair(value);
      history.replaceState(null, '', location.pathname + location.search);
      onPaired();
    } catch (err) {
      setError(refusal(err, t));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const fromLink = codeFromHash(location.hash);
    if (fromLink) {
      setCode(fromLink);
      void submit(fromLink);
    }
  }, []);

  const type = (k: string) => setCode((c) => (c + k).slice(0, 8));
  return (
    <main class="pairing" data-screen="pairing">
      <h1>{t('pair.title')}</h1>
      <p>{t('pair.hint')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(code);
        }}
      >
        <input
          class="pairing-code"
          name="code"
          value={code}
          maxLength={9}
          autoComplete="off"
          spellcheck={false}
          aria-label={t('pair.code')}
          onInput={(e) => setCode((e.target as HTMLInputElement).value.toUpperCase())}
        />
        <div class="keypad">
          {KEYS.map((k) => (
            <button type="button" key={k} onClick={() => type(k)}>
              {k}
            </button>
          ))}
          <button type="button" class="keypad-wide" onClick={() => setCode((c) => c.slice(0, -1))}>
            ⌫
          </button>
          <button type="submit" class="keypad-wide" disabled={busy || code.length < 8}>
            {t('pair.submit')}
          </button>
        </div>
      </form>
      {error && (
        <p class="pairing-error" role="alert">
          {error}
        </p>
      )}
    </main>
  );
}
