import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'appliance',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 30000,
  },
});
