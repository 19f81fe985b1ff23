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
          name: 'integration',
          // Fault injection runs here too (one set of servers per run); `npm run test:faults` runs it alone.
          // The schemathesis fuzz run (npm run test:fuzz) is opt-in: FUZZ=1.
          include: ['test/integration/**/*.test.ts', 'test/faults/**/*.test.ts', ...(process.env.FUZZ ? ['test/fuzz/**/*.test.ts'] : [])],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
    ],
  },
});
