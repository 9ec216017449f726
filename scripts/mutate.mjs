#!/usr/bin/env node
// `npm run mutate [-- stryker options]`: Stryker runs (stryker.config.mjs), each one's reports kept under
// reports/mutation/<scope>/ (not committed), a trimmed copy of each committed as mutation/runs/<scope>.json, then
// mutation/summary.txt rebuilt from every run there.
//
// Without --mutate: the full run, one Stryker run per part of FULL_RUN below, one after the other, each against the
// suites of its own folders. It is incremental: each part starts from its last result, committed as
// mutation/incremental/<part>.json, and runs again only the mutants whose code or tests changed since (`--force`: all of
// them). With --mutate: that scope only (against every suite of vitest.mutation.config.ts unless --testFiles says
// otherwise), e.g. `npm run mutate -- --mutate 'src/core/persistence/**/*.ts'`.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

/**
 * The full run's parts: what each mutates and the suites that run against it. A mutant runs only the tests that
 * reach it (perTest coverage), but nearly every loopback suite reaches the connection, the queue and the upload, so
 * a mutant that survives would run the whole of them: hours on 2 cores. Each part runs its own folder's suites and
 * the few of another folder written for it (the engine's end-to-end ones, the uploads through a proxy). The score is
 * then a lower bound: a suite left out can only kill more.
 */
const FULL_RUN = [
  {
    name: 'small-folders',
    mutate: ['src/shared/', 'src/core/*.ts', 'src/core/base/', 'src/core/desktop/', 'src/core/diagnostics/', 'src/core/dialect/', 'src/core/logging/', 'src/core/notifications/', 'src/core/policy/', 'src/core/tray/', 'src/core/updates/'],
    tests: ['test/shared/', 'test/core/base/', 'test/core/desktop/', 'test/core/diagnostics/', 'test/core/dialect/', 'test/core/logging/', 'test/core/notifications/', 'test/core/policy/', 'test/core/tray/', 'test/core/updates/', 'test/core/connection/statusClient*.test.ts',
      // src/shared's rules as the core's unit suites use them: proxy sign-in, network steps, job state, document types.
      'test/core/network/proxyLogin*.test.ts', 'test/core/network/networkProblem.test.ts', 'test/core/queue/jobTransitions.test.ts', 'test/core/connection/trackedJobs.test.ts', 'test/core/files/fileInspector.test.ts'],
  },
  { name: 'connection', mutate: ['src/core/connection/'], tests: ['test/core/connection/'] },
  { name: 'engine', mutate: ['src/core/engine/'], tests: ['test/core/engine/', 'test/core/host/remoteEngine.test.ts', 'test/core/queue/uploadQueue.e2e.test.ts'] },
  { name: 'files', mutate: ['src/core/files/'], tests: ['test/core/files/', 'test/core/queue/alreadySent.test.ts'] },
  { name: 'host', mutate: ['src/core/host/'], tests: ['test/core/host/'] },
  { name: 'hotFolder', mutate: ['src/core/hotFolder/'], tests: ['test/core/hotFolder/', 'test/core/policy/managedPolicy.test.ts'] },
  { name: 'network', mutate: ['src/core/network/'], tests: ['test/core/network/'] },
  { name: 'persistence', mutate: ['src/core/persistence/'], tests: ['test/core/persistence/', 'test/core/queue/uploadQueue.persistence.test.ts'] },
  { name: 'queue', mutate: ['src/core/queue/'], tests: ['test/core/queue/'] },
  {
    name: 'upload',
    mutate: ['src/core/upload/'],
    tests: ['test/core/upload/', 'test/core/network/proxy.test.ts', 'test/core/network/proxyLogin.test.ts', 'test/core/network/tls.test.ts', 'test/core/network/appNetwork.test.ts'],
  },
];
/** A path ending in `/` is a folder: every .ts source (or .test.ts suite) in it, every level down. */
const sources = (paths) => paths.map((p) => (p.endsWith('/') ? `${p}**/*.ts` : p)).join(',');
const suites = (paths) => paths.map((p) => (p.endsWith('/') ? `${p}**/*.test.ts` : p)).join(',');

/**
 * Stryker's incremental mode sees the mutated code and the test files, not what else the tests run on: the test
 * helpers and rigs, the reference server, the packages, the two configs. A full run starts from scratch when any of
 * those changed since the results it would reuse, and records them for the next.
 */
const INCREMENTAL_DIR = 'mutation/incremental';
const INPUTS_FILE = `${INCREMENTAL_DIR}/inputs.json`;
function testInputsDigest() {
  const files = git('ls-files', '--cached', '--others', '--exclude-standard', '--', 'test', 'src/server', 'package-lock.json', 'vitest.mutation.config.ts', 'stryker.config.mjs')
    .split('\n')
    .filter((file) => file !== '' && !/\.test\.tsx?$/.test(file) && existsSync(file))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}
function recordedDigest() {
  try {
    return JSON.parse(readFileSync(INPUTS_FILE, 'utf8')).digest;
  } catch {
    return undefined;
  }
}

const run = (command, commandArgs) => spawnSync(command, commandArgs, { stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;
const git = (...gitArgs) => {
  try {
    return execFileSync('git', gitArgs, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};
const optionValue = (args, ...names) => {
  const index = args.findIndex((a) => names.includes(a));
  return index >= 0 ? args[index + 1] : undefined;
};

/**
 * The run from scratch whose results an incremental run of `slug` reuses (the oldest of them come from it): the kept
 * record of the scope's last run, or the run that one was based on.
 */
function runFromScratchBehind(slug) {
  try {
    const last = JSON.parse(readFileSync(join('mutation', 'runs', `${slug}.json`), 'utf8')).run;
    return last.basedOn ?? { fullRun: last.fullRun, commit: last.commit, startedAt: last.startedAt, finishedAt: last.finishedAt };
  } catch {
    return undefined;
  }
}

/** One Stryker run over `args`; its reports in reports/mutation/<slug>/, its copy in mutation/runs/<slug>.json. */
function runOnce(args, slug, fullRun) {
  const scope = optionValue(args, '--mutate') ?? 'all';
  // With --testFiles only those suites run against the mutants: the score is then a lower bound (more tests only kill more).
  const tests = optionValue(args, '--testFiles', '-t') ?? 'all of vitest.mutation.config.ts';
  // Each scope keeps its own reports and sandbox folder, so two scopes may run side by side.
  process.env.MUTATION_REPORT_DIR = `reports/mutation/${slug}`;
  process.env.MUTATION_TEMP_DIR = `.stryker-tmp/${slug}`;
  // Which code was measured, and how busy the machine was: the summary states both.
  const started = { at: new Date().toISOString(), load: os.loadavg()[0] };
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  const dirty = git('status', '--porcelain', '--', 'src', 'test').length > 0;
  const basedOn = args.includes('--incremental') && !args.includes('--force') ? runFromScratchBehind(slug) : undefined;
  const status = run(join('node_modules', '.bin', 'stryker'), ['run', ...args]);
  if (status !== 0 || args.includes('--dryRunOnly')) return status;
  // What was mutated (a folder, files, or line ranges), for the summary.
  writeFileSync(`reports/mutation/${slug}/scope.txt`, `${scope}\n`);
  const record = {
    scope,
    tests,
    incremental: args.includes('--incremental'),
    forced: args.includes('--force'),
    ...(basedOn && { basedOn }),
    ...(fullRun && { fullRun }),
    commit: dirty ? `${commit} + uncommitted changes` : commit,
    startedAt: started.at,
    finishedAt: new Date().toISOString(),
    loadAtStart: started.load,
    loadAtEnd: os.loadavg()[0],
  };
  writeFileSync(`reports/mutation/${slug}/run.json`, `${JSON.stringify(record, null, 2)}\n`);
  return run(process.execPath, ['scripts/mutation-keep.mjs', `reports/mutation/${slug}`]);
}

const args = process.argv.slice(2);
const scope = optionValue(args, '--mutate');
let status = 0;
if (scope === undefined && !args.includes('--dryRunOnly')) {
  // The full run: every part, the same options for each; the parts share the run's start as its name.
  const fullRun = new Date().toISOString();
  const digest = testInputsDigest();
  // Forced by what Stryker cannot see, unless the caller forced the run already.
  const inputsChanged = !args.includes('--force') && digest !== recordedDigest();
  if (inputsChanged) console.log(`${INPUTS_FILE}: the test helpers, the reference server, the packages or the configs changed since the kept results (or none are kept): every mutant runs.`);
  for (const part of FULL_RUN) {
    const incremental = ['--incremental', '--incrementalFile', `${INCREMENTAL_DIR}/${part.name}.json`, ...(inputsChanged ? ['--force'] : [])];
    const partArgs = ['--mutate', sources(part.mutate), '--testFiles', suites(part.tests), ...incremental, ...args];
    status = runOnce(partArgs, `full-${part.name}`, fullRun);
    if (status !== 0) process.exit(status);
  }
  writeFileSync(INPUTS_FILE, `${JSON.stringify({ digest, recordedAt: new Date().toISOString() }, null, 2)}\n`);
} else {
  // A folder name per scope; a long list of files is cut short (file names have a length limit), with a hash of the
  // whole scope so that two long scopes never share a name.
  const fullSlug = (scope ?? 'all').replace(/\*+|\.ts\b/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'all';
  const slug = fullSlug.length <= 80 ? fullSlug : `${fullSlug.slice(0, 71)}-${createHash('sha256').update(scope).digest('hex').slice(0, 8)}`;
  status = runOnce(args, slug, null);
  if (status !== 0 || args.includes('--dryRunOnly')) process.exit(status);
}
process.exit(run(process.execPath, ['scripts/mutation-summary.mjs']));
