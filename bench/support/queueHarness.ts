/**
 * An UploadQueue as the CLI builds it (its state folder store in a temp dir), with a
 * tracker that does nothing: the upload figures measure the uploader and the
 * queue, not live tracking (figures 1, 5 and 6 cover that).
 */
import { toDisposable } from '../../src/core/base/lifecycle';
import { UploadQueue, type JobTracker, type QueueStore } from '../../src/core/queue/UploadQueue';
import { createStateDirQueueStore } from '../../src/core/persistence/fileQueueStore';
import { silentLogger } from '../../src/core/base/logger';

export const idleTracker: JobTracker = {
  track() {},
  untrack() {},
  onJob: () => toDisposable(() => undefined),
};

/** `state`: a state folder (the CLI's store, the journal) or a store of the caller's choice. */
export async function startQueue(state: string | QueueStore, baseUrl: string): Promise<UploadQueue> {
  const store = typeof state === 'string' ? createStateDirQueueStore(state) : state;
  const queue = new UploadQueue({ server: { baseUrl }, store, tracker: idleTracker, logger: silentLogger });
  await queue.start();
  return queue;
}

/** Resolves when `count` jobs were accepted by the server; rejects on the first job that ends otherwise. */
export function waitForUploads(queue: UploadQueue, count: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let uploaded = 0;
    const timer = setTimeout(() => finish(new Error(`only ${uploaded} of ${count} uploads finished within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    const unsubscribe = queue.onEvent((event) => {
      if (event.type === 'uploaded') {
        uploaded += 1;
        if (uploaded === count) finish(null);
      } else if (event.type === 'done' && event.job.stage !== 'completed' && event.job.jobId === null) {
        finish(new Error(`an upload ended ${event.job.stage}: ${event.job.error?.message ?? 'no message'}`));
      }
    });
    function finish(error: Error | null) {
      clearTimeout(timer);
      unsubscribe.dispose();
      if (error) reject(error);
      else resolve();
    }
  });
}
