/**
 * The tests Stryker runs against each mutant (`npm run mutate`): the fast unit
 * and loopback suites of src/shared and src/core. Left out: suites that spawn
 * processes, drive Chromium or Electron, or stress for a long time; they cover
 * the same code through the layers above and would make a run take hours.
 */
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Stryker runs one file at a time and stops at the first failing test, so the
 * order of the files decides what a killed mutant costs. Vitest's own order
 * runs the slowest file first (good for filling many workers, the worst case
 * here); this one runs the file that failed last first (the mutant before was
 * most likely killed there, and mutants come in source order), then the
 * quickest first, so a slow loopback suite runs only when nothing quicker
 * noticed the change.
 */
class QuickestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const known = (file: TestSpecification) => cache.getFileTestResults(`${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`);
    return [...files].sort((a, b) => {
      const [stateA, stateB] = [known(a), known(b)];
      if (!stateA || !stateB) return stateA ? 1 : stateB ? -1 : 0;
      if (stateA.failed !== stateB.failed) return stateA.failed ? -1 : 1;
      return stateA.duration - stateB.duration;
    });
  }
}

export default defineConfig({
  test: {
    include: ['test/shared/**/*.test.ts', 'test/core/**/*.test.ts'],
    exclude: [
      // Long loopback stress runs (a 1 GiB upload, seeded chaos): seconds to minutes per run, nothing they alone kill.
      'test/core/upload/largeUpload.test.ts',
      'test/core/connection/chaos.test.ts',
      'test/core/connection/socketIoChaos.test.ts',
      // Processes killed and started again: the mutant is not switched on in the child, and the kill -9 runs take seconds.
      'test/core/persistence/journalQueueStore.crash.test.ts',
      'test/core/host/coreHostProcess.test.ts',
    ],
    environment: 'node',
    sequence: { sequencer: QuickestFirst },
    // A mutant that makes a test wait forever fails that test at this timeout, and most hangs are
    // such waits: 723 of the first full run's mutants were killed only by the timeout (then 10 s,
    // two hours of runner time). The slowest test here takes 2.2 s with the machine busy
    // (a proxy stopped mid-job, 100 connect/drop cycles); none other passes 2 s.
    testTimeout: 4_000,
    hookTimeout: 10_000,
  },
});
