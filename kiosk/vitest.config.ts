import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'kiosk',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    testTimeout: 120000,
    hookTimeout: 120000,
  },
});
