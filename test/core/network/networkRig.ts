/** A full job through the real engine over a given network: upload, live phases, results. */
import { expect } from 'vitest';
import { IntakeEngine } from '../../../src/core/engine/IntakeEngine';
import type { Network } from '../../../src/core/network/network';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { sendUpload, type UploadOutcome } from '../../../src/core/upload/sendUpload';
import { systemClock } from '../../../src/core/clock';
import { makeTempDir } from '../../support/files';
import { waitFor } from '../queue/waitFor';

export async function openNetworkEngine(serverUrl: string, network: Network) {
  const dir = await makeTempDir('intake-network-');
  const engine = await IntakeEngine.open({
    choice: { serverUrl, webSocketUrl: null, token: null },
    network,
    store: createFileQueueStore(dir.path),
    queue: { timings: { retryBaseMs: 50, retryMaxMs: 200 } },
    connection: { timings: { backoffBaseMs: 50, backoffCapMs: 200, pollIntervalMs: 200 } },
  });
  const phases: string[] = [];
  engine.queue.onChange((changes) => {
    for (const change of changes) if (change.type === 'upsert' && change.job.server) phases.push(change.job.server.phase);
  });
  await engine.start();
  return {
    engine,
    phases,
    async runJob(chartNumber: string): Promise<void> {
      await waitFor(() => engine.connection.state.state === 'connected', 'the WebSocket to connect');
      const job = await engine.queue.enqueue({ chartNumber, files: [await dir.pdf('scan.pdf')] });
      await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'the job to complete', 15_000);
      expect(await engine.queue.getResults(job.id)).not.toBeNull();
    },
    async close(): Promise<void> {
      await engine.dispose();
      await dir.remove();
    },
  };
}

/** One upload try against baseUrl (for the error each failure gives). */
export async function tryUpload(baseUrl: string, network: Network): Promise<UploadOutcome> {
  const dir = await makeTempDir('intake-network-upload-');
  try {
    const path = await dir.pdf('scan.pdf');
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(path));
    return await sendUpload({
      baseUrl,
      network,
      idempotencyKey: `k-${Math.random()}`,
      chartNumber: 'N-1',
      files: [{ path, name: 'scan.pdf', type: 'application/pdf', size }],
      clock: systemClock,
      stallMs: 10_000,
    });
  } finally {
    await dir.remove();
  }
}
