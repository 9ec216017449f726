/**
 * Figure 4 — queue scale: 10,000 jobs enqueued in one burst (as a hot folder
 * or a big drop would), each durably persisted before enqueue() resolves.
 * We measure the time until every enqueue() resolved, the bytes persistence
 * wrote (at the write(2) level, including the final flush), and how long the
 * main thread was blocked (event-loop delay p99 while it happened). The queue
 * is paused so no upload starts: this is the queue and its store alone.
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
const TARGET_ENQUEUE_MS = 1000;
const TARGET_DELAY_P99_MS = 20;

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
  await queue.close();
  const flushedMs = benchNow() - started;
  delay.disable();
  const bytesAfter = bytesWrittenSoFar();

  const delayP99 = delay.percentile(99) / 1e6;
  const delayMax = delay.max / 1e6;
  const written = bytesBefore === null || bytesAfter === null ? null : bytesAfter - bytesBefore;
  const finalSize = (await stat(path.join(stateDir, 'queue.json')).catch(() => null))?.size ?? null;
  context.log(`  ${JOBS} enqueues in ${round(enqueueMs, 1)} ms (flushed at ${round(flushedMs, 1)} ms); wrote ${written} bytes; loop delay p99 ${round(delayP99, 2)} ms, max ${round(delayMax, 2)} ms`);

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
    contextRow('persistence bytes written for the burst', written === null ? null : round(written / 2 ** 20, 2), 'MiB'),
    contextRow('queue state file size after the burst', finalSize === null ? null : round(finalSize / 2 ** 20, 2), 'MiB'),
  ];
}

export const queueScaleFigure: Figure = {
  id: 'queue',
  title: 'queue scale: 10,000 jobs enqueued, persistence and main-thread blocking',
  run,
};
