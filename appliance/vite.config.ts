import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The family portal: sources in web/, built into web/dist/, served by the appliance at '/'.
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: '/',
  plugins: [preact({ devToolsEnabled: false, prerender: { enabled: false } })],
  build: {
    outDir: fileURLToPath(new URL('./web/dist', import.meta.url)),
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // The strict CSP allows only same-origin script files; no inline polyfill is wanted.
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
