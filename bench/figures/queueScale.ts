/**
 * Figure 4 — queue scale and persistence. Each row is measured for the store
 * Intake uses now (the journal: queue.snapshot + queue.journal) and, as
 * "before" in the same run, for the version-1 store that rewrote the whole
 * queue.json on every save.
 *
 * - 10,000 jobs enqueued in one burst (as a hot folder or a big drop would),
 *   each durably persisted before enqueue() resolves: time, bytes written (at
 *   the write(2) level), event-loop delay. The queue is paused: no upload.
 *   Each store's burst runs in a fresh process: run one after the other in
 *   one process, the second inherited the first one's JIT warm-up.
 * - 1,000 enqueues one after another, each awaited: every one waits for its
 *   own durable write. Peer: the disk's floor for that, 1,000 appends of the
 *   same bytes each followed by fdatasync — no store can be faster.
 * - Bytes written per status change with 10,000 jobs in the history: one job
 *   after another changes (as tracking updates do), each save awaited;
 *   compactions included (amortized).
 */
import { fork } from 'node:child_process';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFileQueueStore, createStateDirQueueStore } from '../../src/core/persistence/fileQueueStore';
import type { QueueStore } from '../../src/core/queue/types';
import type { BenchContext, Figure, FigureEntry } from '../figure';
import { contextRow } from '../figure';
import { benchNow } from '../benchClock';
import { round } from '../stats';
import { writeSmallPdfs } from '../support/documents';
import { historyJob } from '../support/historyJobs';
import { bytesWrittenSoFar } from '../support/procIo';
import { startQueue } from '../support/queueHarness';
import type { BurstOrder, BurstResult } from '../support/burstChild';

const burstChild = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/burstChild.ts');

const JOBS = 10_000;
const SEQUENTIAL_JOBS = 1000;
const HISTORY = 10_000;
const TARGET_ENQUEUE_MS = 1000;
const TARGET_DELAY_P99_MS = 20;
const TARGET_SEQUENTIAL_MIB = 5;
const TARGET_BYTES_PER_CHANGE = 4096;

type StoreKind = 'journal' | 'v1 file';
const makeStore = (kind: StoreKind, dir: string): QueueStore => (kind === 'journal' ? createStateDirQueueStore(dir) : createFileQueueStore(dir));

function written<T>(run: () => Promise<T>): Promise<{ result: T; ms: number; bytes: number | null }> {
  const before = bytesWrittenSoFar();
  const started = benchNow();
  return run().then((result) => {
    const ms = benchNow() - started;
    const after = bytesWrittenSoFar();
    return { result, ms, bytes: before === null || after === null ? null : after - before };
  });
}

/** One store's burst in a fresh process (burstChild.ts): each store as cold as the app's core, in either order. */
function burst(kind: StoreKind, stateDir: string, file: string): Promise<BurstResult> {
  const order: BurstOrder = { kind, stateDir, file, jobs: JOBS };
  const child = fork(burstChild, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, INTAKE_BENCH_BURST: JSON.stringify(order) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let reply: { ok: true; result: BurstResult } | { ok: false; message: string } | null = null;
  child.once('message', (raw) => (reply = raw as typeof reply));
  // Settled once the process has exited and been reaped: Linux then adds its writes to this process's
  // /proc/self/io, which must happen before the next figure counts bytes, not during it.
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const said = reply as typeof reply;
      if (said === null) reject(new Error(`the ${kind} burst process exited (${code}) without a result`));
      else if (!said.ok) reject(new Error(`the ${kind} burst failed: ${said.message}`));
      else resolve(said.result);
    });
  });
}

async function oneByOne(kind: StoreKind, stateDir: string, file: string) {
  const queue = await startQueue(makeStore(kind, stateDir), 'http://127.0.0.1:9/api');
  queue.pauseAll();
  const run = await written(async () => {
    for (let i = 0; i < SEQUENTIAL_JOBS; i += 1) await queue.enqueue({ chartNumber: `SEQ-${i}`, files: [file] });
  });
  await queue.dispose();
  return run;
}

/** The disk's floor for N durable one-by-one writes: append `bytesEach` and fdatasync, N times. */
async function fdatasyncFloor(file: string, count: number, bytesEach: number): Promise<number> {
  const handle = await open(file, 'a', 0o600);
  const line = 'x'.repeat(Math.max(1, Math.round(bytesEach) - 1)) + '\n';
  const started = benchNow();
  try {
    for (let i = 0; i < count; i += 1) {
      await handle.writeFile(line);
      await handle.datasync();
    }
  } finally {
    await handle.close();
  }
  return benchNow() - started;
}

/** Bytes written per status change of one job, with HISTORY jobs in the queue; each save awaited. */
async function perStatusChange(kind: StoreKind, stateDir: string, changes: number) {
  const store = makeStore(kind, stateDir);
  await store.load();
  const jobs = Array.from({ length: HISTORY }, (_, i) => historyJob(i));
  await store.save({ version: 1, jobs, paused: false });
  const run = await written(async () => {
    for (let n = 0; n < changes; n += 1) {
      const at = (n * 7919) % HISTORY; // a different job each time, spread over the history
      const job = jobs[at]!;
      const next = Object.freeze({ ...job, updatedAt: job.updatedAt + 1, server: { ...job.server!, seq: job.server!.seq! + 1, message: `Status ${n}` } });
      jobs[at] = next;
      // As the queue saves: its whole state, and what changed since the last save (the v1 store writes it all anyway).
      await store.save({ version: 1, jobs: [...jobs], paused: false }, new Map([[next.id, next]]));
    }
  });
  return { bytesPerChange: run.bytes === null ? null : run.bytes / changes, msPerChange: run.ms / changes };
}

async function run(context: BenchContext): Promise<FigureEntry[]> {
  const dir = await context.tempDir('queue');
  const file = (await writeSmallPdfs(dir, 1, 10_000))[0]!;
  const mib = (bytes: number | null) => (bytes === null ? null : round(bytes / 2 ** 20, 2));
  const entries: FigureEntry[] = [];

  const now = await burst('journal', path.join(dir, 'burst-journal'), file);
  const before = await burst('v1 file', path.join(dir, 'burst-v1'), file);
  context.log(`  ${JOBS} enqueues: journal ${round(now.enqueueMs, 1)} ms, ${mib(now.bytes)} MiB, loop p99 ${round(now.delayP99, 2)} ms; v1 file ${round(before.enqueueMs, 1)} ms, ${mib(before.bytes)} MiB`);
  entries.push(
    {
      ...contextRow(`enqueue ${JOBS.toLocaleString('en-US')} jobs (burst), until all durable`, round(now.enqueueMs, 1), 'ms', 'before (v1 file store)', round(before.enqueueMs, 1)),
      target: `< ${TARGET_ENQUEUE_MS} ms`,
      met: now.enqueueMs < TARGET_ENQUEUE_MS,
    },
    {
      ...contextRow('event-loop delay p99 while enqueueing', round(now.delayP99, 2), 'ms', 'before (v1 file store)', round(before.delayP99, 2)),
      target: `< ${TARGET_DELAY_P99_MS} ms`,
      met: now.delayP99 < TARGET_DELAY_P99_MS,
    },
    contextRow('event-loop delay max while enqueueing', round(now.delayMax, 2), 'ms', 'before (v1 file store)', round(before.delayMax, 2)),
    contextRow('  event-loop delay samples taken (5 ms sampler)', now.samples, 'samples'),
    contextRow('persistence bytes written for the burst', mib(now.bytes), 'MiB', 'before (v1 file store)', mib(before.bytes)),
  );

  const seqNow = await oneByOne('journal', path.join(dir, 'seq-journal'), file);
  const seqBefore = await oneByOne('v1 file', path.join(dir, 'seq-v1'), file);
  const floorMs = await fdatasyncFloor(path.join(dir, 'floor.bin'), SEQUENTIAL_JOBS, (seqNow.bytes ?? 0) / SEQUENTIAL_JOBS);
  context.log(`  ${SEQUENTIAL_JOBS} awaited one by one: journal ${round(seqNow.ms, 1)} ms ${mib(seqNow.bytes)} MiB; v1 file ${round(seqBefore.ms, 1)} ms ${mib(seqBefore.bytes)} MiB; fdatasync floor ${round(floorMs, 1)} ms`);
  const seqMib = seqNow.bytes === null ? null : seqNow.bytes / 2 ** 20;
  entries.push(
    {
      ...contextRow(`enqueue ${SEQUENTIAL_JOBS.toLocaleString('en-US')} jobs one by one (each awaited)`, round(seqNow.ms, 1), 'ms', `${SEQUENTIAL_JOBS} × append + fdatasync (disk floor)`, round(floorMs, 1)),
      target: `< ${TARGET_ENQUEUE_MS} ms`,
      met: seqNow.ms < TARGET_ENQUEUE_MS,
    },
    contextRow(`  the same, before (v1 file store)`, round(seqBefore.ms, 1), 'ms'),
    {
      ...contextRow('  persistence bytes written, one by one', seqMib === null ? null : round(seqMib, 2), 'MiB', 'before (v1 file store)', mib(seqBefore.bytes)),
      target: `< ${TARGET_SEQUENTIAL_MIB} MiB`,
      met: seqMib === null ? null : seqMib < TARGET_SEQUENTIAL_MIB,
    },
  );

  const changes = context.quick ? 300 : 3000;
  const perNow = await perStatusChange('journal', path.join(dir, 'history-journal'), changes);
  const perBefore = await perStatusChange('v1 file', path.join(dir, 'history-v1'), context.quick ? 5 : 20);
  context.log(`  status change with ${HISTORY} jobs in history: journal ${round(perNow.bytesPerChange ?? NaN, 0)} B, ${round(perNow.msPerChange, 2)} ms; v1 file ${round(perBefore.bytesPerChange ?? NaN, 0)} B, ${round(perBefore.msPerChange, 2)} ms`);
  const kib = (bytes: number | null) => (bytes === null ? null : round(bytes / 1024, 2));
  entries.push(
    {
      ...contextRow(`bytes written per status change, ${HISTORY.toLocaleString('en-US')} jobs in history (amortized, ${changes} changes)`, kib(perNow.bytesPerChange), 'KiB', 'before (v1 file store)', kib(perBefore.bytesPerChange)),
      target: `≤ ${TARGET_BYTES_PER_CHANGE / 1024} KiB`,
      met: perNow.bytesPerChange === null ? null : perNow.bytesPerChange <= TARGET_BYTES_PER_CHANGE,
    },
    contextRow('  time per status change (save awaited)', round(perNow.msPerChange, 2), 'ms', 'before (v1 file store)', round(perBefore.msPerChange, 2)),
  );
  return entries;
}

export const queueScaleFigure: Figure = {
  id: 'queue',
  title: 'queue scale: enqueue bursts and one by one, bytes per status change, journal vs the v1 file store',
  run,
};
