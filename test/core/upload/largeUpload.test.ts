/**
 * Streaming proof: a 1 GiB document goes through the queue to the real
 * reference server while this process's resident memory stays within 64 MiB
 * of where it started. The server runs in a child process so only the client
 * is measured. The file is sparse (a %PDF- header, then a hole): cheap to
 * create, and read through the same streams as any file.
 */
import { describe, expect, it } from 'vitest';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { UploadQueue } from '../../../src/core/queue/UploadQueue';
import type { QueueJob } from '../../../src/shared/queueJob';
import { makeTempDir } from '../../support/files';
import { FakeTracker } from '../queue/fakeTracker';
import { onCleanup } from '../queue/queueHarness';
import { waitFor } from '../queue/waitFor';
import { startChildServer } from './childServer';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

describe('large upload', () => {
  it(
    'uploads 1 GiB with RSS growth under 64 MiB',
    async () => {
      const server = await startChildServer({ phaseMs: 50, limits: { maxFileBytes: 2 * GIB, maxRequestBytes: 2 * GIB } });
      onCleanup(() => server.stop());
      const files = await makeTempDir();
      const state = await makeTempDir('intake-state-');
      onCleanup(() => files.remove());
      onCleanup(() => state.remove());
      const queue = new UploadQueue({ server: { baseUrl: server.url }, store: createFileQueueStore(state.path), tracker: new FakeTracker() });
      onCleanup(() => queue.dispose());
      const seen: QueueJob[] = [];
      queue.onChange((changes) => changes.forEach((c) => c.type === 'upsert' && seen.push(c.job)));

      // Warm up every code path first (modules, agents, buffers), so the baseline is honest.
      const warm = await queue.enqueue({ chartNumber: 'WARM', files: [await files.pdf('warm.pdf', { bytes: 8 * MIB })] });
      await waitFor(() => queue.get(warm.id)?.stage === 'tracking', 'warm-up upload');

      const path = await files.sparse('huge.pdf', GIB);
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      try {
        const job = await queue.enqueue({ chartNumber: 'HUGE', files: [path] });
        await waitFor(() => queue.get(job.id)?.stage === 'tracking', '1 GiB uploaded', 240_000);
        peak = Math.max(peak, process.memoryUsage().rss);
        const progress = seen.filter((j) => j.id === job.id && j.upload !== null).map((j) => j.upload!);
        expect(progress.at(-1)?.sentBytes).toBe(progress.at(-1)?.totalBytes);
        expect(progress.at(-1)!.totalBytes).toBeGreaterThan(GIB);
        expect(progress.some((p) => p.bytesPerSecond > 0 && p.etaSeconds !== null)).toBe(true);
        // Progress is throttled to one change per 100 ms: a count far above duration/100 ms would be a flood.
        const durationMs = queue.get(job.id)!.updatedAt - job.createdAt;
        expect(progress.length).toBeLessThanOrEqual(durationMs / 100 + 3);
      } finally {
        clearInterval(sampler);
      }
      const growth = peak - baseline;
      console.log(`1 GiB upload: RSS baseline ${(baseline / MIB).toFixed(0)} MiB, peak ${(peak / MIB).toFixed(0)} MiB, growth ${(growth / MIB).toFixed(1)} MiB`);
      expect(growth).toBeLessThan(64 * MIB);
    },
    300_000,
  );
});
