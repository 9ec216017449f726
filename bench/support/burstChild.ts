/**
 * One store's 10,000-job burst in a process of its own (queueScale.ts): both
 * stores start as cold as the app's core does, and neither inherits the JIT
 * warm-up of the other's run. Arguments come in INTAKE_BENCH_BURST (JSON); the
 * result goes back over the IPC channel.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createFileQueueStore, createStateDirQueueStore } from '../../src/core/persistence/fileQueueStore';
import { benchNow } from '../benchClock';
import { bytesWrittenSoFar } from './procIo';
import { startQueue } from './queueHarness';

export interface BurstOrder {
  kind: 'journal' | 'v1 file';
  stateDir: string;
  file: string;
  jobs: number;
}

export interface BurstResult {
  enqueueMs: number;
  bytes: number | null;
  delayP99: number;
  delayMax: number;
  samples: number;
}

async function burst({ kind, stateDir, file, jobs }: BurstOrder): Promise<BurstResult> {
  const store = kind === 'journal' ? createStateDirQueueStore(stateDir) : createFileQueueStore(stateDir);
  const queue = await startQueue(store, 'http://127.0.0.1:9/api');
  queue.pauseAll();
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const bytesBefore = bytesWrittenSoFar();
  const started = benchNow();
  const enqueues: Promise<unknown>[] = [];
  for (let i = 0; i < jobs; i += 1) enqueues.push(queue.enqueue({ chartNumber: `SCALE-${i}`, files: [file] }));
  await Promise.all(enqueues);
  const enqueueMs = benchNow() - started;
  await queue.dispose();
  const bytesAfter = bytesWrittenSoFar();
  delay.disable();
  return {
    enqueueMs,
    bytes: bytesBefore === null || bytesAfter === null ? null : bytesAfter - bytesBefore,
    delayP99: delay.percentile(99) / 1e6,
    delayMax: delay.max / 1e6,
    samples: delay.count,
  };
}

const order = JSON.parse(process.env.INTAKE_BENCH_BURST ?? 'null') as BurstOrder | null;
if (order === null) throw new Error('INTAKE_BENCH_BURST is not set');
burst(order).then(
  (result) => process.send!({ ok: true, result }, () => process.exit(0)),
  (error: unknown) => process.send!({ ok: false, message: error instanceof Error ? error.stack ?? error.message : String(error) }, () => process.exit(1)),
);
