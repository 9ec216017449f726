#!/usr/bin/env node
// Keeps a trimmed, committed copy of one Stryker run: reports/mutation/<scope>/ (mutation.json and run.json, not
// committed) → mutation/runs/<scope>.json, the run's metadata and, one mutant a line,
// [file, line, column, mutator, replacement, status]. scripts/mutate.mjs calls it after each run;
// scripts/mutation-summary.mjs reads only these copies.
//
//   node scripts/mutation-keep.mjs reports/mutation/<scope>
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/mutation-keep.mjs reports/mutation/<scope>');
  process.exit(2);
}
const reportFile = join(dir, 'mutation.json');
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
const cpus = os.cpus();
const run = {
  // The machine is this one (the copy is kept right after the run); a run.json without finishedAt: the report's time.
  finishedAt: statSync(reportFile).mtime.toISOString(),
  machine: `${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`,
  ...JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')),
};
const mutants = Object.entries(report.files).flatMap(([file, entry]) =>
  (entry.mutants ?? []).map((m) => [file.replace(/\\/g, '/'), m.location.start.line, m.location.start.column, m.mutatorName, m.replacement ?? '', m.status]),
);
const out = join('mutation', 'runs', `${basename(dir)}.json`);
mkdirSync(join('mutation', 'runs'), { recursive: true });
writeFileSync(
  out,
  `{\n  "run": ${JSON.stringify(run)},\n  "fields": ["file", "line", "column", "mutator", "replacement", "status"],\n  "mutants": [\n${mutants.map((m) => `    ${JSON.stringify(m)}`).join(',\n')}\n  ]\n}\n`,
);
console.log(`kept ${mutants.length} mutants of ${dir} in ${out}`);
