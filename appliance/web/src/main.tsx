import { render } from 'preact';
import { App } from './app.js';
import { I18nProvider } from './i18n/i18n.js';
import { RouterProvider } from './router.js';
import { SessionProvider } from './session.js';
import { applyTheme, storedTheme } from './theme.js';
import './styles.css';

applyTheme(storedTheme());

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
