#!/usr/bin/env node
/**
 * Electronegativity over the built app, with a severity gate (its CLI has
 * none: it lists findings and exits 0). Fails (exit 1) on any finding of the
 * configured severity or more that is not a recorded exception, on any file
 * it could not parse (an unscanned file is an unchecked file), and on an
 * exception that no longer matches (stale exceptions hide nothing).
 *
 * Config: electronegativity.config.json. Usage: node scripts/electronegativity.mjs
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const require = createRequire(import.meta.url);
const config = JSON.parse(readFileSync(join(root, 'electronegativity.config.json'), 'utf8'));
const SEVERITY = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };
const failAt = SEVERITY[config.failAt];
if (failAt === undefined) fail(`failAt must be one of ${Object.keys(SEVERITY).join(', ')}`);

// The scan wants one input: gather the built pieces into a temp folder, as they sit in out/.
const scanDir = mkdtempSync(join(tmpdir(), 'intake-electronegativity-'));
try {
  for (const input of config.inputs) {
    const from = join(root, input);
    if (!existsSync(from)) fail(`${input} does not exist: build first (npx electron-vite build).`);
    cpSync(from, join(scanDir, input.replace(/^out\//, '')), { recursive: true });
  }
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const run = require('@doyensec/electronegativity');
  const quiet = silenceConsole();
  let result;
  try {
    result = await (run.default ?? run)({
      input: scanDir,
      isRelative: true,
      electronVersionOverride: electronVersion,
      excludeFromScan: config.excludeChecks ?? [],
      severitySet: 'INFORMATIONAL',
      confidenceSet: 'TENTATIVE',
    });
  } finally {
    quiet.restore();
  }

  const problems = [];
  for (const error of result.errors.filter((e) => !e.tolerable)) problems.push(`could not parse ${error.file}: ${error.message}`);

  const findings = result.issues.map((issue) => ({
    check: issue.id,
    file: String(issue.file).replace(/\\/g, '/'),
    line: issue.location?.line ?? 0,
    severity: issue.severity?.name ?? String(issue.severity?.format?.() ?? '?'),
    level: issue.severity?.value ?? SEVERITY[String(issue.severity?.name ?? '').toUpperCase()] ?? 3,
    confidence: issue.confidence?.name ?? String(issue.confidence?.format?.() ?? '?'),
    description: issue.description,
  }));

  for (const exception of config.exceptions) {
    const covered = findings.filter((f) => f.check === exception.check && f.file === exception.file);
    if (covered.length !== exception.count) {
      problems.push(`exception ${exception.check} in ${exception.file} expects ${exception.count} finding(s), found ${covered.length}: review it`);
    }
    const source = readFileSync(join(root, exception.source), 'utf8');
    if (!new RegExp(`eng-disable\\s+${exception.check}\\b`).test(source)) {
      problems.push(`exception ${exception.check}: ${exception.source} has no inline "eng-disable ${exception.check}" comment with its reason`);
    }
    if (!exception.reason || exception.reason.length < 20) problems.push(`exception ${exception.check}: give a reason`);
  }
  const excepted = (f) => config.exceptions.some((e) => e.check === f.check && e.file === f.file);

  for (const f of findings) {
    const gated = f.level >= failAt && !excepted(f);
    console.log(`${gated ? 'FAIL' : excepted(f) ? 'exception' : 'info'}  ${f.check}  ${f.severity}/${f.confidence}  ${f.file}:${f.line}  ${f.description}`);
    if (gated) problems.push(`${f.check} (${f.severity}) in ${f.file}:${f.line}`);
  }
  console.log(`electronegativity ${basename(scanDir)}: ${findings.length} finding(s), electron ${electronVersion}, gate ${config.failAt}+`);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`electronegativity: ${problem}`);
    process.exitCode = 1;
  } else {
    console.log('electronegativity: no finding of medium severity or more');
  }
} finally {
  rmSync(scanDir, { recursive: true, force: true });
}

function fail(message) {
  console.error(`electronegativity: ${message}`);
  process.exit(2);
}

/** The library prints banners, progress and a network warning; keep the output to our lines. */
function silenceConsole() {
  const saved = { log: console.log, info: console.info, warn: console.warn };
  console.log = console.info = console.warn = () => undefined;
  return { restore: () => Object.assign(console, saved) };
}
