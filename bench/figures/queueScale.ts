/**
 * Figure 4 — queue scale: 10,000 jobs enqueued in one burst (as a hot folder
 * or a big drop would), each durably persisted before enqueue() resolves.
 * We measure the time until every enqueue() resolved, the bytes persistence
 * wrote (at the write(2) level, including the final flush), and how long the
 * main thread was blocked (event-loop delay p99 while it happened). The queue
 * is paused so no upload starts: this is the queue and its store alone.
 *
 * Context: the same queue fed one enqueue after another (each awaited, as a
 * caller that waits for each job does), 1,000 jobs — each enqueue waits for its
 * own durable save of the whole queue, so bytes grow with the square of the
 * count; 10,000 that way would take minutes, hence the smaller count. And the
 * same 1,000 jobs as the `intake` CLI now sends a jobs file: one enqueueMany.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { BenchContext, Figure, FigureEntry } from '../figure';
import { contextRow } from '../figure';
import { benchNow } from '../benchClock';
import { round } from '../stats';
import { writeSmallPdfs } from '../support/documents';
import { bytesWrittenSoFar } from '../support/procIo';
import { startQueue } from '../support/queueHarness';

const JOBS = 10_000;
const SEQUENTIAL_JOBS = 1000;
const TARGET_ENQUEUE_MS = 1000;
const TARGET_DELAY_P99_MS = 20;

/** One awaited enqueue after another: time and bytes written. */
async function enqueueSequentially(stateDir: string, file: string): Promise<{ ms: number; bytes: number | null }> {
  const queue = await startQueue(stateDir, 'http://127.0.0.1:9/api');
  queue.pauseAll();
  const bytesBefore = bytesWrittenSoFar();
  const started = benchNow();
  for (let i = 0; i < SEQUENTIAL_JOBS; i += 1) await queue.enqueue({ chartNumber: `SEQ-${i}`, files: [file] });
  const ms = benchNow() - started;
  await queue.dispose();
  const bytesAfter = bytesWrittenSoFar();
  return { ms, bytes: bytesBefore === null || bytesAfter === null ? null : bytesAfter - bytesBefore };
}

/** The same jobs in one enqueueMany, as the CLI's jobs file now does: time and bytes written. */
async function enqueueAsBatch(stateDir: string, file: string): Promise<{ ms: number; bytes: number | null }> {
  const queue = await startQueue(stateDir, 'http://127.0.0.1:9/api');
  queue.pauseAll();
  const bytesBefore = bytesWrittenSoFar();
  const started = benchNow();
  const results = await queue.enqueueMany(Array.from({ length: SEQUENTIAL_JOBS }, (_, i) => ({ chartNumber: `BATCH-${i}`, files: [file] })));
  const ms = benchNow() - started;
  await queue.dispose();
  const bytesAfter = bytesWrittenSoFar();
  if (!results.every((result) => result.ok)) throw new Error('a batch job was refused');
  return { ms, bytes: bytesBefore === null || bytesAfter === null ? null : bytesAfter - bytesBefore };
}

async function run(context: BenchContext): Promise<FigureEntry[]> {
  const dir = await context.tempDir('queue');
  const file = (await writeSmallPdfs(dir, 1, 10_000))[0]!;
  const stateDir = path.join(dir, 'state');
  // Nothing listens on port 9 (discard): if an upload started anyway it would fail, not hang.
  const queue = await startQueue(stateDir, 'http://127.0.0.1:9/api');
  queue.pauseAll();

  const delay = monitorEventLoopDelay({ resolution: 5 });
  const bytesBefore = bytesWrittenSoFar();
  delay.enable();
  const started = benchNow();
  const enqueues: Promise<unknown>[] = [];
  for (let i = 0; i < JOBS; i += 1) enqueues.push(queue.enqueue({ chartNumber: `SCALE-${i}`, files: [file] }));
  await Promise.all(enqueues);
  const enqueueMs = benchNow() - started;
  await queue.dispose();
  const flushedMs = benchNow() - started;
  delay.disable();
  const bytesAfter = bytesWrittenSoFar();

  const delayP99 = delay.percentile(99) / 1e6;
  const delayMax = delay.max / 1e6;
  const written = bytesBefore === null || bytesAfter === null ? null : bytesAfter - bytesBefore;
  const finalSize = (await stat(path.join(stateDir, 'queue.json')).catch(() => null))?.size ?? null;
  context.log(`  ${JOBS} enqueues in ${round(enqueueMs, 1)} ms (flushed at ${round(flushedMs, 1)} ms); wrote ${written} bytes; loop delay p99 ${round(delayP99, 2)} ms, max ${round(delayMax, 2)} ms over ${delay.count} samples`);

  const sequential = await enqueueSequentially(path.join(dir, 'state-sequential'), file);
  context.log(`  ${SEQUENTIAL_JOBS} awaited one by one: ${round(sequential.ms, 1)} ms, wrote ${sequential.bytes} bytes`);
  const batch = await enqueueAsBatch(path.join(dir, 'state-batch'), file);
  context.log(`  ${SEQUENTIAL_JOBS} in one enqueueMany: ${round(batch.ms, 1)} ms, wrote ${batch.bytes} bytes`);

  return [
    {
      name: `enqueue ${JOBS.toLocaleString('en-US')} jobs (burst), until all durable`,
      value: round(enqueueMs, 1),
      unit: 'ms',
      peer: null,
      peerValue: null,
      ratio: null,
      target: `< ${TARGET_ENQUEUE_MS} ms`,
      met: enqueueMs < TARGET_ENQUEUE_MS,
    },
    {
      name: `event-loop delay p99 while enqueueing`,
      value: round(delayP99, 2),
      unit: 'ms',
      peer: null,
      peerValue: null,
      ratio: null,
      target: `< ${TARGET_DELAY_P99_MS} ms`,
      met: delayP99 < TARGET_DELAY_P99_MS,
    },
    contextRow('event-loop delay max while enqueueing', round(delayMax, 2), 'ms'),
    // A 5 ms sampler that ran only a few times in a second was blocked most of it.
    contextRow('  event-loop delay samples taken (5 ms sampler)', delay.count, 'samples'),
    contextRow('persistence bytes written for the burst', written === null ? null : round(written / 2 ** 20, 2), 'MiB'),
    contextRow('queue state file size after the burst', finalSize === null ? null : round(finalSize / 2 ** 20, 2), 'MiB'),
    contextRow(`enqueue ${SEQUENTIAL_JOBS.toLocaleString('en-US')} jobs one by one (each awaited)`, round(sequential.ms, 1), 'ms'),
    contextRow(`  persistence bytes written, one by one`, sequential.bytes === null ? null : round(sequential.bytes / 2 ** 20, 1), 'MiB'),
    contextRow(`enqueue ${SEQUENTIAL_JOBS.toLocaleString('en-US')} jobs in one enqueueMany (as the CLI's jobs file)`, round(batch.ms, 1), 'ms'),
    contextRow(`  persistence bytes written, one enqueueMany`, batch.bytes === null ? null : round(batch.bytes / 2 ** 20, 2), 'MiB'),
  ];
}

export const queueScaleFigure: Figure = {
  id: 'queue',
  title: 'queue scale: 10,000 jobs enqueued, persistence and main-thread blocking',
  run,
};
