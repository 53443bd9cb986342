import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'ha-integration',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    testTimeout: 300000,
    hookTimeout: 300000,
  },
});
