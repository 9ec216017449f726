/**
 * The tests Stryker runs against each mutant (`npm run mutate`): the fast unit
 * and loopback suites of src/shared and src/core. Left out: suites that spawn
 * processes, drive Chromium or Electron, or stress for a long time; they cover
 * the same code through the layers above and would make a run take hours.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/shared/**/*.test.ts', 'test/core/**/*.test.ts'],
    exclude: [
      // Long loopback stress runs (a 1 GiB upload, seeded chaos): minutes per run, nothing they alone kill.
      'test/core/upload/largeUpload.test.ts',
      'test/core/connection/chaos.test.ts',
    ],
    environment: 'node',
    // A mutant that makes a test wait forever should fail that test quickly, not hit Stryker's
    // timeout (which restarts the runner); the slowest test here takes a few seconds under load.
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
});
