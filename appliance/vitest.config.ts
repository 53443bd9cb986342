import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Browser code (.tsx) is left out of the Node tsconfig, so say here that its JSX is Preact's.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    name: 'appliance',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 30000,
  },
});
