#!/usr/bin/env node
// Builds the committed text summary mutation/summary.txt from committed data only, so anyone can rebuild it:
//  - mutation/runs/<scope>.json: a trimmed copy of each `npm run mutate` run (scripts/mutate.mjs writes it):
//    the run's metadata and, per mutant, file, line, column, mutator, replacement and status;
//  - mutation/runs/earlier.json: folder rows and survivors of runs whose reports are lost, carried over as the
//    summary of their day gave them; a folder that any run above measures replaces its carried-over row;
//  - mutation/reasons.json: why each surviving mutant is left (or "NO REASON YET", which a reviewer should treat
//    as a missing test).
//
//   node scripts/mutation-summary.mjs [--out mutation/summary.txt]
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const RUNS_DIR = 'mutation/runs';
const EARLIER_FILE = join(RUNS_DIR, 'earlier.json');
const REASONS_FILE = 'mutation/reasons.json';
/** The score each core folder must reach (issue 20). */
const TARGET = 80;

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : 'mutation/summary.txt';

/** Stryker statuses that count for the score; the others (Ignored, CompileError, RuntimeError, Pending) do not. */
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
/** A mutant row ([file, line, column, mutator, replacement, status]) as an object. */
const mutantOf = ([file, line, column, mutator, replacement, status]) => ({ file, line, column, mutator, replacement, status });

const runFiles = existsSync(RUNS_DIR) ? readdirSync(RUNS_DIR).filter((n) => n.endsWith('.json') && join(RUNS_DIR, n) !== EARLIER_FILE) : [];
const earlier = existsSync(EARLIER_FILE) ? readJson(EARLIER_FILE) : { runs: [], folders: [], survivors: [] };
if (runFiles.length === 0 && earlier.folders.length === 0) {
  console.error(`No mutation run found in ${RUNS_DIR}. Run \`npm run mutate\` first.`);
  process.exit(1);
}

// The newest run wins for a file mutated by more than one run. A run over line ranges of a file (a scope such as
// `src/core/x.ts:40-52`, e.g. re-testing survivors after new tests) wins only for the mutants it ran there.
const runs = runFiles.map((name) => ({ name, ...readJson(join(RUNS_DIR, name)) })).sort((a, b) => a.run.startedAt.localeCompare(b.run.startedAt));
const files = new Map();
const mutantKey = (m) => `${m.line}:${m.column}:${m.mutator}:${m.replacement}`;
for (const r of runs) {
  const ranged = new Set(r.run.scope.split(',').filter((s) => /:\d+(:\d+)?-\d+(:\d+)?$/.test(s)).map((s) => s.replace(/:[\d:-]+$/, '')));
  const byFile = new Map();
  for (const m of r.mutants.map(mutantOf)) byFile.set(m.file, [...(byFile.get(m.file) ?? []), m]);
  r.fileCount = byFile.size;
  for (const [file, mutants] of byFile) {
    if (!ranged.has(file) || !files.has(file)) files.set(file, mutants);
    else {
      const merged = new Map(files.get(file).map((m) => [mutantKey(m), m]));
      for (const m of mutants) merged.set(mutantKey(m), m);
      files.set(file, [...merged.values()]);
    }
  }
}

/** src/shared, src/core/<folder>, or src/core (files at its top). */
function folderOf(file) {
  const parts = file.split('/');
  if (parts[0] === 'src' && parts[1] === 'core' && parts.length > 3) return parts.slice(0, 3).join('/');
  return parts.slice(0, Math.min(2, parts.length - 1)).join('/');
}

const folders = new Map();
const undetected = [];
for (const [file, mutants] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  const folder = folderOf(file);
  const tally = folders.get(folder) ?? { detected: 0, undetected: 0, other: 0, files: 0 };
  folders.set(folder, tally);
  tally.files += 1;
  for (const mutant of mutants) {
    if (DETECTED.has(mutant.status)) tally.detected += 1;
    else if (UNDETECTED.has(mutant.status)) {
      tally.undetected += 1;
      undetected.push(mutant);
    } else tally.other += 1;
  }
}
// Folders no kept run measured: their rows and survivors as the lost runs gave them.
const carried = new Set();
for (const row of earlier.folders) {
  if (folders.has(row.folder)) continue;
  carried.add(row.folder);
  folders.set(row.folder, { ...row, earlierRun: row.run });
}
for (const mutant of earlier.survivors.map(mutantOf)) if (carried.has(folderOf(mutant.file))) undetected.push(mutant);
undetected.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);

const reasons = existsSync(REASONS_FILE) ? readJson(REASONS_FILE) : {};
const reasonFor = (m) => reasons[`${m.file}:${m.line}:${m.mutator}`] ?? reasons[`${m.file}:${m.line}`] ?? reasons[m.file] ?? 'NO REASON YET';

function oneLine(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

/** How many .ts files the folder has on disk (files directly in src/core count for "src/core"). */
function filesOnDisk(folder) {
  if (!existsSync(folder)) return 0;
  const walk = (dir, deep) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? (deep ? walk(join(dir, d.name), deep) : []) : d.name.endsWith('.ts') ? [d.name] : [],
    );
  return walk(folder, folder !== 'src/core').length;
}

const describeRun = (run) =>
  `      code: commit ${run.commit}; started ${run.startedAt}; load ${Number(run.loadAtStart).toFixed(1)} at start, ${Number(run.loadAtEnd).toFixed(1)} at end; machine: ${run.machine ?? 'not recorded'}; tests run: ${run.tests}${run.incremental && !run.forced ? '; incremental (results of unchanged mutants and tests reused)' : ''}`;
const usedEarlier = [...new Set([...folders.values()].filter((t) => t.earlierRun !== undefined).map((t) => t.earlierRun))].sort((a, b) => a - b);

// The parts of one full run (`npm run mutate` without --mutate) share its start: how long the whole took.
const partsOf = new Map();
for (const r of runs.filter((r) => r.run.fullRun)) partsOf.set(r.run.fullRun, [...(partsOf.get(r.run.fullRun) ?? []), r]);
const fullRuns = [...partsOf].map(([startedAt, parts]) => {
  const finishedAt = parts.map((r) => r.run.finishedAt).sort().at(-1);
  const minutes = (Date.parse(finishedAt) - Date.parse(startedAt)) / 60_000;
  const line = `full run started ${startedAt}, finished ${finishedAt}: ${Math.round(minutes)} min wall clock, ${parts.length} parts (below, "full-…")`;
  // A run that reused earlier results took less time than one from scratch: say which this was, and where the
  // results it reused come from.
  const behind = new Map();
  for (const r of parts.filter((r) => r.run.basedOn)) behind.set(r.run.basedOn.fullRun, [...(behind.get(r.run.basedOn.fullRun) ?? []), r]);
  if (behind.size === 0) return `${line}, from scratch (every mutant ran)`;
  return [
    `${line}, incremental (only mutants whose code or tests changed ran); the results it reused come from runs from scratch:`,
    ...[...behind].map(([scratchStart, reusing]) => {
      const scratchEnd = reusing.map((r) => r.run.basedOn.finishedAt).sort().at(-1);
      const scratchMinutes = (Date.parse(scratchEnd) - Date.parse(scratchStart)) / 60_000;
      const commits = [...new Set(reusing.map((r) => r.run.basedOn.commit))].join(', ');
      const names = reusing.map((r) => r.name.replace(/^full-|\.json$/g, '')).join(', ');
      return `  started ${scratchStart} (commit ${commits}), ${Math.round(scratchMinutes)} min from its start to the end of its last part used here: ${names}`;
    }),
  ].join('\n');
});

const score = (t) => (t.detected + t.undetected === 0 ? 100 : (100 * t.detected) / (t.detected + t.undetected));
const lines = [
  'Mutation testing of the core (StrykerJS, `npm run mutate`; see README "Mutation testing")',
  'Rebuilt by `npm run mutate:summary` from mutation/runs/ and mutation/reasons.json.',
  '',
  ...fullRuns,
  'runs (the newest wins per file; a run over line ranges only for the mutants it ran there):',
  ...runs.flatMap((r) => [`  ${r.run.finishedAt}  ${RUNS_DIR}/${r.name}  (${r.fileCount} files; mutated: ${r.run.scope})`, describeRun(r.run)]),
  ...(usedEarlier.length > 0 ? ['earlier runs whose reports are lost (folders marked * in the table; rows and survivors carried over from their summary):'] : []),
  ...usedEarlier.flatMap((i) => {
    const r = earlier.runs[i];
    return [`  ${r.finishedAt}  (${r.files} files; mutated: ${r.scope})`, describeRun(r)];
  }),
  '',
  `score = (killed + timeout) / (killed + timeout + survived + no coverage); target ${TARGET} % per core folder`,
  '',
  'A folder with fewer files measured than it has was only partly run, or has files of types only (no code, no mutants; e.g. src/shared/connectionState.ts).',
  'A run limited to some test files ("tests run") gives a lower bound: the suites left out can only kill more.',
  '',
  'folder                         score   killed  survived  other  files measured',
];
for (const [folder, t] of [...folders.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  const s = score(t);
  const name = t.earlierRun === undefined ? folder : `${folder} *`;
  lines.push(
    `${name.padEnd(30)} ${s.toFixed(1).padStart(5)} %  ${String(t.detected).padStart(6)}  ${String(t.undetected).padStart(8)}  ${String(t.other).padStart(5)}  ${String(t.files).padStart(4)} of ${filesOnDisk(folder)}${s < TARGET ? '   BELOW TARGET' : ''}`,
  );
}
const all = [...folders.values()].reduce((a, t) => ({ detected: a.detected + t.detected, undetected: a.undetected + t.undetected }), { detected: 0, undetected: 0 });
lines.push(`${'all measured'.padEnd(30)} ${score(all).toFixed(1).padStart(5)} %  ${String(all.detected).padStart(6)}  ${String(all.undetected).padStart(8)}`);
const coreFolders = ['src/shared', 'src/core', ...readdirSync('src/core', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `src/core/${d.name}`)];
const notMeasured = coreFolders.filter((folder) => !folders.has(folder)).sort();
if (notMeasured.length > 0) lines.push(`not measured by these runs: ${notMeasured.join(', ')}`);
lines.push('', `surviving mutants (${undetected.length}): file:line:column  status  mutator  replacement  — why it is left`);
for (const m of undetected) lines.push(`  ${m.file}:${m.line}:${m.column}  ${m.status}  ${m.mutator}  \`${oneLine(m.replacement)}\`  — ${reasonFor(m)}`);

const text = `${lines.join('\n')}\n`;
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, text);
process.stdout.write(text);
