#!/usr/bin/env node
// `npm run mutate [-- stryker options]`: one Stryker run (stryker.config.mjs), its reports kept under
// reports/mutation/<scope>/ (not committed), a trimmed copy of it committed as mutation/runs/<scope>.json, then
// mutation/summary.txt rebuilt from every run there. Scope one folder at a time on a shared machine:
// `npm run mutate -- --mutate 'src/core/persistence/**/*.ts'`.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const scopeIndex = args.indexOf('--mutate');
const scope = scopeIndex >= 0 ? args[scopeIndex + 1] ?? 'all' : 'all';
const testsIndex = args.findIndex((a) => a === '--testFiles' || a === '-t');
// With --testFiles only those suites run against the mutants: the score is then a lower bound (more tests only kill more).
const tests = testsIndex >= 0 ? args[testsIndex + 1] ?? 'all' : 'all of vitest.mutation.config.ts';
// A folder name per scope; a long list of files is cut short (file names have a length limit), with a hash of the
// whole scope so that two long scopes never share a name (each run's copy in mutation/runs/ is named by it).
const fullSlug = scope.replace(/\*+|\.ts\b/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'all';
const slug = fullSlug.length <= 80 ? fullSlug : `${fullSlug.slice(0, 71)}-${createHash('sha256').update(scope).digest('hex').slice(0, 8)}`;

const run = (command, commandArgs) => spawnSync(command, commandArgs, { stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;

// Each scope keeps its own reports (reports/mutation/<scope>/) and sandbox folder.
process.env.MUTATION_REPORT_DIR = `reports/mutation/${slug}`;
process.env.MUTATION_TEMP_DIR = `.stryker-tmp/${slug}`;
// Which code was measured, and how busy the machine was: the summary states both.
const git = (...gitArgs) => {
  try {
    return execFileSync('git', gitArgs, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};
const started = { at: new Date().toISOString(), load: os.loadavg()[0] };
const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
const dirty = git('status', '--porcelain', '--', 'src', 'test').length > 0;
const status = run(join('node_modules', '.bin', 'stryker'), ['run', ...args]);
if (status !== 0) process.exit(status);
if (args.includes('--dryRunOnly')) process.exit(0);
// What was mutated (a folder, files, or line ranges), for the summary.
writeFileSync(`reports/mutation/${slug}/scope.txt`, `${scope}\n`);
const record = {
  scope,
  tests,
  incremental: args.includes('--incremental'),
  commit: dirty ? `${commit} + uncommitted changes` : commit,
  startedAt: started.at,
  finishedAt: new Date().toISOString(),
  loadAtStart: started.load,
  loadAtEnd: os.loadavg()[0],
};
writeFileSync(`reports/mutation/${slug}/run.json`, `${JSON.stringify(record, null, 2)}\n`);
// The committed copy (mutation/runs/<scope>.json), then the summary from every committed copy.
const kept = run(process.execPath, ['scripts/mutation-keep.mjs', `reports/mutation/${slug}`]);
if (kept !== 0) process.exit(kept);
process.exit(run(process.execPath, ['scripts/mutation-summary.mjs']));
