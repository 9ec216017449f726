// Mutation testing of the core (`npm run mutate`; see README "Mutation testing").
// One folder at a time: `npm run mutate -- --mutate 'src/core/persistence/**/*.ts'`.
// scripts/mutate.mjs gives each scope its own report folder and sandbox, so two scopes may run side by side.
import os from 'node:os';

const reportDir = process.env.MUTATION_REPORT_DIR ?? 'reports/mutation/last';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  // Each mutant runs only the tests that reached its code: what makes a run fit on 2 cores.
  coverageAnalysis: 'perTest',
  mutate: ['src/shared/**/*.ts', 'src/core/**/*.ts'],
  // One runner per core (each runner is a Vitest process with one worker thread); on a machine shared with other
  // work, pass `--concurrency 1`.
  concurrency: os.availableParallelism(),
  // A mutant that makes a test hang fails it at Vitest's testTimeout (4 s, vitest.mutation.config.ts) first;
  // Stryker's own timeout (which restarts the runner) is for what no timer can stop, a loop that never yields:
  // 5 s more than twice the time of the tests that reach the mutant.
  timeoutMS: 5_000,
  timeoutFactor: 2,
  ignoreStatic: true,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `${reportDir}/index.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
  tempDirName: process.env.MUTATION_TEMP_DIR ?? '.stryker-tmp/last',
  // Not copied into a sandbox: other runs' sandboxes and reports, build output.
  ignorePatterns: ['/.stryker-tmp', '/reports', '/out', '/dist', '/test-results'],
  cleanTempDir: true,
  thresholds: { high: 90, low: 80, break: null },
};
