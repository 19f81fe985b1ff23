import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          // The workflow's branches on Temporal's time-skipping test server, with stub activities.
          name: 'workflow',
          include: ['test/workflow/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'integration',
          // Fault injection and the schemathesis run are here too (one set of servers per run);
          // `npm run test:faults` and `npm run test:fuzz` run them alone.
          include: ['test/integration/**/*.test.ts', 'test/faults/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          // The web console in headless Chromium, against servers of its own, so its queue and
          // screenshots hold only what these tests made.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
    ],
  },
});
