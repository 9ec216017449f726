#!/usr/bin/env node
// Turns Stryker's JSON reports (reports/mutation/*/mutation.json, one per `npm run mutate` scope) into the committed
// text summary mutation/summary.txt: when and where it ran, the score per folder, and every surviving mutant with
// its reason from mutation/reasons.json (or "NO REASON YET", which a reviewer should treat as a missing test).
//
//   node scripts/mutation-summary.mjs [--out mutation/summary.txt] [report.json ...]
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';

const RUNS_DIR = 'reports/mutation';
const REASONS_FILE = 'mutation/reasons.json';
/** The score each core folder must reach (issue 20). */
const TARGET = 80;

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args.splice(outIndex, 2)[1] : 'mutation/summary.txt';
const reportFiles = args.length > 0 ? args : existsSync(RUNS_DIR) ? readdirSync(RUNS_DIR).map((n) => join(RUNS_DIR, n, 'mutation.json')).filter((p) => existsSync(p)) : [];
if (reportFiles.length === 0) {
  console.error(`No Stryker JSON report found (looked in ${RUNS_DIR}). Run \`npm run mutate\` first.`);
  process.exit(1);
}

/** Stryker statuses that count for the score; the others (Ignored, CompileError, RuntimeError, Pending) do not. */
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

// Newest run wins for a file mutated by more than one run.
const files = new Map();
const runs = [];
for (const path of reportFiles.sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof report.files !== 'object' || report.files === null) throw new Error(`${path} is not a Stryker JSON report (no "files").`);
  const scopeFile = join(dirname(path), 'scope.txt');
  const runFile = join(dirname(path), 'run.json');
  const run = existsSync(runFile) ? JSON.parse(readFileSync(runFile, 'utf8')) : null;
  const scope = run?.scope ?? (existsSync(scopeFile) ? readFileSync(scopeFile, 'utf8').trim() : 'scope not recorded');
  runs.push({ path, at: statSync(path).mtime.toISOString(), files: Object.keys(report.files).length, scope, run });
  for (const [file, entry] of Object.entries(report.files)) files.set(file.replace(/\\/g, '/'), entry.mutants ?? []);
}

const reasons = existsSync(REASONS_FILE) ? JSON.parse(readFileSync(REASONS_FILE, 'utf8')) : {};

/** src/shared, src/core/<folder>, or src/core (files at its top). */
function folderOf(file) {
  const parts = file.split('/');
  if (parts[0] === 'src' && parts[1] === 'core' && parts.length > 3) return parts.slice(0, 3).join('/');
  return parts.slice(0, Math.min(2, parts.length - 1)).join('/');
}

const folders = new Map();
const survivors = [];
for (const [file, mutants] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  const folder = folderOf(file);
  const tally = folders.get(folder) ?? { detected: 0, undetected: 0, other: 0, files: 0 };
  folders.set(folder, tally);
  tally.files += 1;
  for (const mutant of mutants) {
    if (DETECTED.has(mutant.status)) tally.detected += 1;
    else if (UNDETECTED.has(mutant.status)) {
      tally.undetected += 1;
      const line = mutant.location.start.line;
      const key = `${file}:${line}:${mutant.mutatorName}`;
      survivors.push({
        where: `${file}:${line}:${mutant.location.start.column}`,
        status: mutant.status,
        mutator: mutant.mutatorName,
        replacement: oneLine(mutant.replacement ?? ''),
        reason: reasons[key] ?? reasons[`${file}:${line}`] ?? reasons[file] ?? 'NO REASON YET',
      });
    } else tally.other += 1;
  }
}

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

const score = (t) => (t.detected + t.undetected === 0 ? 100 : (100 * t.detected) / (t.detected + t.undetected));
const cpus = os.cpus();
const lines = [
  'Mutation testing of the core (StrykerJS, `npm run mutate`; see README "Mutation testing")',
  '',
  `summary written: ${new Date().toISOString()}`,
  `machine: ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}, load ${os.loadavg()[0]?.toFixed(1)} when the summary was written (the machine is shared)`,
  'runs (Stryker JSON reports merged; the newest wins per file):',
  ...runs.flatMap((r) => [
    `  ${r.at}  ${r.path}  (${r.files} files; mutated: ${r.scope})`,
    ...(r.run
      ? [`      code: commit ${r.run.commit}; started ${r.run.startedAt}; load ${Number(r.run.loadAtStart).toFixed(1)} at start, ${Number(r.run.loadAtEnd).toFixed(1)} at end; tests run: ${r.run.tests}${r.run.incremental ? '; incremental (results of unchanged mutants and tests reused)' : ''}`]
      : []),
  ]),
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
  lines.push(
    `${folder.padEnd(30)} ${s.toFixed(1).padStart(5)} %  ${String(t.detected).padStart(6)}  ${String(t.undetected).padStart(8)}  ${String(t.other).padStart(5)}  ${String(t.files).padStart(4)} of ${filesOnDisk(folder)}${s < TARGET ? '   BELOW TARGET' : ''}`,
  );
}
const all = [...folders.values()].reduce((a, t) => ({ detected: a.detected + t.detected, undetected: a.undetected + t.undetected }), { detected: 0, undetected: 0 });
lines.push(`${'all measured'.padEnd(30)} ${score(all).toFixed(1).padStart(5)} %  ${String(all.detected).padStart(6)}  ${String(all.undetected).padStart(8)}`);
const coreFolders = ['src/shared', 'src/core', ...readdirSync('src/core', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `src/core/${d.name}`)];
const notMeasured = coreFolders.filter((folder) => !folders.has(folder)).sort();
if (notMeasured.length > 0) lines.push(`not measured by these runs: ${notMeasured.join(', ')}`);
lines.push('', `surviving mutants (${survivors.length}): file:line:column  status  mutator  replacement  — why it is left`);
for (const s of survivors) lines.push(`  ${s.where}  ${s.status}  ${s.mutator}  \`${s.replacement}\`  — ${s.reason}`);

const text = `${lines.join('\n')}\n`;
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, text);
process.stdout.write(text);
