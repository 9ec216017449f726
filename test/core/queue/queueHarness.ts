/**
 * Shared setup for UploadQueue tests: a real reference server, temp folders
 * for documents and state, a hand-driven tracker, and recorders for the
 * queue's events and change batches. Everything is cleaned after each test.
 */
import { afterEach } from 'vitest';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { UploadQueue, type QueueEvent, type QueueStore, type UploadQueueOptions } from '../../../src/core/queue/UploadQueue';
import type { QueueChange, QueueJob } from '../../../src/shared/queueJob';
import type { ReferenceServer, ReferenceServerOptions } from '../../../src/server/index';
import { makeTempDir, type TempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { FakeTracker } from './fakeTracker';
import { waitFor } from './waitFor';

export const UPLOAD_ROUTE = 'POST /api/documents/upload';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export function onCleanup(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

export interface Harness {
  server: ReferenceServer;
  files: TempDir;
  stateDir: TempDir;
  store: QueueStore;
  tracker: FakeTracker;
  uploads(): number;
  makeQueue(overrides?: Partial<UploadQueueOptions>): Promise<Recorded>;
}

export interface Recorded {
  queue: UploadQueue;
  events: QueueEvent[];
  batches: QueueChange[][];
  /** Every upserted job version, in order. */
  seen: QueueJob[];
  until(id: string, predicate: (job: QueueJob) => boolean, what: string): Promise<QueueJob>;
}

export async function makeHarness(serverOptions: ReferenceServerOptions = {}): Promise<Harness> {
  const server = await startServer({ phaseMs: 50, ...serverOptions });
  const files = await makeTempDir();
  const stateDir = await makeTempDir('intake-state-');
  onCleanup(() => files.remove());
  onCleanup(() => stateDir.remove());
  const store = createFileQueueStore(stateDir.path);
  const tracker = new FakeTracker();
  const harness: Harness = {
    server,
    files,
    stateDir,
    store,
    tracker,
    uploads: () => server.stats.requestsByRoute[UPLOAD_ROUTE] ?? 0,
    async makeQueue(overrides = {}) {
      const queue = new UploadQueue({
        server: { baseUrl: server.url },
        store,
        tracker,
        random: () => 0, // no backoff waits unless a test asks for them
        timings: { saveDebounceMs: 5 },
        ...overrides,
      });
      onCleanup(() => queue.dispose());
      const recorded: Recorded = {
        queue,
        events: [],
        batches: [],
        seen: [],
        async until(id, predicate, what) {
          await waitFor(() => {
            const job = queue.get(id);
            return job !== undefined && predicate(job);
          }, what);
          return queue.get(id)!;
        },
      };
      queue.onEvent((event) => recorded.events.push(event));
      queue.onChange((changes) => {
        recorded.batches.push(changes);
        for (const change of changes) if (change.type === 'upsert') recorded.seen.push(change.job);
      });
      return recorded;
    },
  };
  return harness;
}
