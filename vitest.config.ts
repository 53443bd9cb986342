import { defineConfig } from 'vitest/config';

// One project per workspace; each workspace's own config sets its timeouts.
export default defineConfig({
  test: {
    projects: ['protocol', 'appliance', 'gpu-agent', 'kiosk', 'ha-integration', 'provisioning'].map((w) => `${w}/vitest.config.ts`),
  },
});
