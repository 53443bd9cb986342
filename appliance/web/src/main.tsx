import { render } from 'preact';
import { App } from './app.js';
import { I18nProvider } from './i18n/i18n.js';
import { RouterProvider } from './router.js';
import { SessionProvider } from './session.js';
import { applyTheme, storedTheme } from './theme.js';
import './styles.css';

applyTheme(storedTheme());

// The service worker only shows an offline page when the hub is unreachable; a failure to register changes nothing else.
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => undefined);

render(
  <I18nProvider>
    <RouterProvider>
      <SessionProvider>
        <App />
      </SessionProvider>
    </RouterProvider>
  </I18nProvider>,
  document.getElementById('app')!,
);
