/**
 * `npm run bench [-- --quick] [-- --only fanout,upload]`
 *
 * Runs each figure of issue 7 in turn, prints one table and writes
 * bench/results.json + results.txt (full run) or results-quick.* (--quick, so
 * CI never overwrites the committed full results). Exit code: 0 whether or not
 * targets are met; 1 only when a figure itself broke (threw or timed out),
 * because a broken benchmark must not rot silently in CI.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, Figure, FigureEntry } from './figure';
import { describeMachine, machineLine } from './machine';
import { formatTable } from './table';
import { fanoutFigure, fanoutSocketIoFigure } from './figures/fanout';
import { toPixelsFigure } from './figures/toPixels';
import { uploadFigure } from './figures/upload';
import { queueScaleFigure } from './figures/queueScale';
import { recoveryFigure } from './figures/recovery';
import { healthyPollingFigure } from './figures/healthyPolling';
import { openFastFigure } from './figures/openFast';
import { mainLoopFigure } from './figures/mainLoop';
import { applyEngineV8Flags } from '../src/core/host/engineV8Flags';

const FIGURES: Figure[] = [fanoutFigure, fanoutSocketIoFigure, toPixelsFigure, uploadFigure, queueScaleFigure, recoveryFigure, healthyPollingFigure, openFastFigure, mainLoopFigure];
const benchDir = path.dirname(fileURLToPath(import.meta.url));

interface Args {
  quick: boolean;
  only: string[] | null;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: null };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const value = argv[i + 1];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--only' && value) {
      args.only = value.split(',');
      i += 1;
    }
    else if (arg.startsWith('--only=')) args.only = arg.slice('--only='.length).split(',');
    else {
      console.error(`bench: unknown argument ${arg}. Usage: npm run bench -- [--quick] [--only ${FIGURES.map((f) => f.id).join(',')}]`);
      process.exit(2);
    }
  }
  const unknown = (args.only ?? []).filter((id) => !FIGURES.some((figure) => figure.id === id));
  if (unknown.length > 0) {
    console.error(`bench: unknown figure ${unknown.join(', ')}; known: ${FIGURES.map((f) => f.id).join(', ')}`);
    process.exit(2);
  }
  return args;
}

function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  // Most figures run the engine in this process: with the V8 settings of the processes it runs in (the core's own, the CLI).
  applyEngineV8Flags();
  const machine = describeMachine();
  const startedAt = new Date();
  const tempDirs: string[] = [];
  const context: BenchContext = {
    quick: args.quick,
    log: (line) => console.error(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)}s] ${line}`),
    tempDir: async (label, options) => {
      const parent = options?.inMemory && existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
      const dir = await mkdtemp(path.join(parent, `intake-bench-${label}-`));
      tempDirs.push(dir);
      return dir;
    },
  };
  context.log(`${args.quick ? 'quick' : 'full'} run on ${machineLine(machine)}`);

  const entries: FigureEntry[] = [];
  const errors: Array<{ figure: string; message: string }> = [];
  const selected = FIGURES.filter((figure) => args.only === null || args.only.includes(figure.id));
  for (const figure of selected) {
    context.log(`figure ${figure.id}: ${figure.title}`);
    const started = Date.now();
    try {
      const budgetMs = args.quick ? 90_000 : 20 * 60_000;
      entries.push(...(await withTimeout(figure.run(context), budgetMs, `figure ${figure.id}`)));
      context.log(`figure ${figure.id} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      errors.push({ figure: figure.id, message: message.split('\n')[0] ?? message });
      context.log(`figure ${figure.id} BROKE: ${message}`);
    }
    // A figure that broke (timed out) may still be writing into its dirs: retry, and never let cleanup end the run.
    while (tempDirs.length > 0) {
      const dir = tempDirs.pop()!;
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch((error: Error) => context.log(`could not remove ${dir}: ${error.message}`));
    }
  }

  const table = formatTable(entries);
  const header = [
    `Intake benchmark (${args.quick ? 'QUICK run: smaller sizes, shorter windows' : 'full run'})`,
    `date: ${startedAt.toISOString()}`,
    `machine: ${machineLine(machine)}`,
  ].join('\n');
  const errorLines = errors.map((error) => `BROKEN figure ${error.figure}: ${error.message}`).join('\n');
  const text = [header, '', table, errorLines].filter((part) => part !== '').join('\n') + '\n';
  console.log(text);

  // A partial (--only) run must not overwrite the committed full results either.
  const base = args.quick ? 'results-quick' : args.only !== null ? 'results-partial' : 'results';
  const results = { date: startedAt.toISOString(), quick: args.quick, only: args.only, machine, figures: entries, errors };
  await writeFile(path.join(benchDir, `${base}.json`), JSON.stringify(results, null, 2) + '\n');
  await writeFile(path.join(benchDir, `${base}.txt`), text);
  context.log(`wrote bench/${base}.json and bench/${base}.txt`);
  return errors.length === 0 ? 0 : 1;
}

main().then(
  // Exit explicitly: a figure that broke may have left a socket or child behind.
  (code) => process.exit(code),
  (error) => {
    console.error('bench: the runner itself broke:', error);
    process.exit(1);
  },
);
