import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Browser code (.tsx) is left out of the Node tsconfig, so say here that its JSX is Preact's.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    name: 'kiosk',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    // The browser tests load the built kiosk, exactly what the appliance serves: build it once first.
    globalSetup: ['test/build-kiosk.ts'],
    testTimeout: 120000,
    hookTimeout: 120000,
  },
});
