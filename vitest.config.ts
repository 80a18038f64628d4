import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { isLostTypesRead } from './server/src/db/driver-guard.js';

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    // Test databases are dropped with their links: a link still opening then loses the driver's
    // types read, which postgres.js leaves unhandled (server/src/db/driver-guard.ts). The app
    // process ignores that one failure too; every other unhandled error still fails the run.
    onUnhandledError: (error) => !isLostTypesRead(error),
    // At least two test files at a time: Vitest's default (one fewer than the cores) ran them one by
    // one on CI's two cores, while most server tests wait on sockets, timers and child processes
    // (23 minutes for the unit tests there, 11 with two; decision 032).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { extends: true, test: { name: 'shared', include: ['shared/src/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'server',
          include: ['server/src/**/*.test.ts'],
          setupFiles: ['server/src/test/setup.ts'],
          // The migrated databases every test database starts from (made once per run).
          globalSetup: ['server/src/test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: { name: 'web', include: ['web/src/**/*.test.ts', 'web/vite/**/*.test.ts', 'web/eslint/**/*.test.js'] },
      },
    ],
  },
});
