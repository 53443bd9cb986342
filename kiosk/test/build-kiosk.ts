import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** vitest globalSetup: build kiosk/dist from the current sources (a few seconds). */
export default async function buildKiosk(): Promise<void> {
  await build({ configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)), logLevel: 'warn' });
}
