/**
 * kill -9 during 1,000 queue changes: a child process appends to the journal
 * (compacting often, a small threshold) and is SIGKILLed at a seeded set of
 * changes, at a seeded step of that save (before or after one of its
 * file-system calls), so kills land in every part of an append and of a
 * compaction. After every kill the queue is
 * loaded: it must be exactly the state of the last acknowledged change or of
 * the one in flight (so every job is old or new, none torn, nothing
 * acknowledged lost), then the child goes on from there.
 */
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJournalQueueStore, JOURNAL_FILE_NAME, SNAPSHOT_FILE_NAME } from '../../../src/core/persistence/journalQueueStore';
import type { PersistedQueue } from '../../../src/core/queue/types';
import { makeTempDir, type TempDir } from '../../support/files';
import { seededRandom } from '../../support/seededRandom';
import { allStates, CHANGES, changesAt } from './journalCrashModel';

const CHILD_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'journalCrashChild.ts');
const KILLS = 20;
const MIN_COMPACT_BYTES = 24 * 1024;

/** Changes whose save compacts (the snapshot file is replaced): found by a dry run on tmpfs, where syncs cost nothing. */
async function compactingChanges(states: PersistedQueue[]): Promise<number[]> {
  const scratch = await makeTempDir('intake-journal-dry-', existsSync('/dev/shm') ? '/dev/shm' : undefined);
  try {
    const store = createJournalQueueStore(scratch.path, { minCompactBytes: MIN_COMPACT_BYTES });
    await store.load();
    const found: number[] = [];
    let inode = -1;
    for (let i = 0; i < CHANGES; i += 1) {
      await store.save(states[i + 1]!, changesAt(states, i));
      const now = (await stat(join(scratch.path, SNAPSHOT_FILE_NAME))).ino;
      if (now !== inode && i > 0) found.push(i);
      inode = now;
    }
    return found;
  } finally {
    await scratch.remove();
  }
}

/**
 * Half the kills at random changes, half at changes that compact; each at a seeded step of
 * the save (before or after one of its file-system calls).
 */
function killPoints(compacting: number[]): Array<{ at: number; step: number }> {
  const random = seededRandom(18);
  const points = new Map<number, number>();
  // An append has 4 to 6 steps (open when the journal is not open yet, write, datasync, each counted before and after);
  // a step beyond its last lands in the next save. A compaction has about 36 more.
  while (points.size < KILLS / 2) points.set(Math.floor(random() * CHANGES), Math.floor(random() * 8));
  while (points.size < KILLS) points.set(compacting[Math.floor(random() * compacting.length)]!, 8 + Math.floor(random() * 36));
  return [...points].sort(([a], [b]) => a - b).map(([at, step]) => ({ at, step }));
}

/** The child bundled once into plain JavaScript: node starts it in a fraction of what tsx takes, 17 times over. */
async function bundleChild(outDir: string): Promise<string> {
  const outfile = join(outDir, 'journalCrashChild.mjs');
  await build({ entryPoints: [CHILD_SOURCE], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'silent' });
  return outfile;
}

function runChild(child: string, dir: string, from: number, killAt: number, step: number): Promise<{ acked: number[]; signal: NodeJS.Signals | null; out: string }> {
  const process_ = spawn(process.execPath, [child, dir, String(from), String(killAt), String(step), String(MIN_COMPACT_BYTES)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  process_.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    process_.once('error', reject);
    process_.once('close', (_code, signal) => resolve({ acked: [...out.matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1])), signal, out }));
  });
}

/** Each job of `loaded` is its state in `before` or in `after`; no job appears that neither has. */
function expectEachJobOldOrNew(loaded: PersistedQueue, before: PersistedQueue, after: PersistedQueue): void {
  const ids = new Set([...before.jobs, ...after.jobs].map((job) => job.id));
  for (const job of loaded.jobs) {
    expect(ids.has(job.id)).toBe(true);
    const candidates = [before, after].map((state) => state.jobs.find((j) => j.id === job.id)).filter((j) => j !== undefined);
    expect(candidates.some((candidate) => JSON.stringify(candidate) === JSON.stringify(job))).toBe(true);
  }
}

describe('journal queue store under kill -9', () => {
  let dir: TempDir;
  let bin: TempDir;
  let child: string;
  beforeEach(async () => {
    dir = await makeTempDir('intake-journal-crash-');
    bin = await makeTempDir('intake-journal-child-');
    child = await bundleChild(bin.path);
  });
  afterEach(async () => {
    await dir.remove();
    await bin.remove();
  });

  it('every kill leaves the last acknowledged state or the one in flight, whole; the 1,000 changes end exactly', async () => {
    const states = allStates();
    let from = 0;
    let survivedInFlight = 0;
    const compacting = await compactingChanges(states);
    expect(compacting.length).toBeGreaterThan(5);
    for (const { at, step } of killPoints(compacting)) {
      if (at < from) continue; // an earlier kill's save ran past it
      const run = await runChild(child, dir.path, from, at, step);
      expect(run.signal).toBe('SIGKILL');
      // Every change up to the kill was acknowledged, in order, and the kill came in the save of the next one.
      const acked = run.acked.at(-1) ?? from - 1;
      expect(acked).toBeGreaterThanOrEqual(at - 1);
      expect(run.acked).toEqual(Array.from({ length: acked - from + 1 }, (_, k) => from + k));
      const store = createJournalQueueStore(dir.path, { minCompactBytes: MIN_COMPACT_BYTES });
      const loaded = await store.load();
      const old = states[acked + 1]!; // acknowledged as durable
      const next = states[acked + 2]!; // in flight when killed
      const loadedJson = JSON.stringify(loaded ?? { version: 1, jobs: [], paused: false });
      expectEachJobOldOrNew(loaded ?? old, old, next);
      expect([JSON.stringify(old), JSON.stringify(next)]).toContain(loadedJson);
      if (loadedJson === JSON.stringify(next)) survivedInFlight += 1;
      // Only a torn tail may be reported; the file is whole again afterwards.
      for (const warning of store.drainWarnings()) expect(warning).toMatch(/torn or damaged record/);
      const journal = await readFile(join(dir.path, JOURNAL_FILE_NAME));
      expect(journal.at(-1)).toBe(0x0a);
      from = loadedJson === JSON.stringify(next) ? acked + 2 : acked + 1;
    }
    const last = await runChild(child, dir.path, from, -1, 0);
    expect(last.out).toContain('done');
    const final = await createJournalQueueStore(dir.path).load();
    expect(JSON.stringify(final)).toBe(JSON.stringify(states[CHANGES]));
    // The seeded points include kills that landed before and after the write reached the disk.
    expect(survivedInFlight).toBeGreaterThan(0);
  }, 300_000);
});
