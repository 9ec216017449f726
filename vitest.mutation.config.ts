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
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
