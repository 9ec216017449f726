/**
 * The server target beyond its URL, against real servers: the network given
 * with the server (here: trust in a private certificate authority) is the one
 * uploads and cancel requests use, and another dialect at the same URL takes
 * the upload in flight.
 */
import { describe, expect, it } from 'vitest';
import { createNetwork } from '../../../src/core/network/network';
import { readCaFile } from '../../../src/core/network/trust';
import { SOCKETIO_EVENTS, type SocketIoDialect } from '../../../src/shared/dialect';
import { makeCertificates } from '../../support/certificates';
import { makeTempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { makeHarness, onCleanup } from './queueHarness';
import { waitFor } from './waitFor';

describe('UploadQueue.setServer, beyond the URL', () => {
  it('a switch to an HTTPS server signed by a private authority uploads through the network that trusts it', async () => {
    const dir = await makeTempDir('intake-queue-tls-');
    onCleanup(() => dir.remove());
    const certs = makeCertificates(dir.path);
    const secure = await startServer({ phaseMs: 60_000, tls: certs.good });
    const network = createNetwork({ extraCa: await readCaFile(certs.caFile) });
    onCleanup(() => network.close());
    const h = await makeHarness();
    const { queue } = await h.makeQueue({ timings: { maxUploadAttempts: 1, saveDebounceMs: 5 } });
    await queue.start();
    queue.setServer({ baseUrl: secure.url, network });
    const job = await queue.enqueue({ chartNumber: 'TLS-Q', files: [await h.files.pdf('a.pdf')] });
    await waitFor(() => ['tracking', 'failed'].includes(queue.get(job.id)?.stage ?? ''), 'the upload to end');
    expect(queue.get(job.id)).toMatchObject({ stage: 'tracking', error: null });
    expect(secure.jobs().map((j) => j.chartNumber)).toEqual(['TLS-Q']);
    expect(h.uploads()).toBe(0);
  });

  it('a cancel goes through the server\'s network too: an HTTPS server signed by a private authority gets it', async () => {
    const dir = await makeTempDir('intake-queue-tls-');
    onCleanup(() => dir.remove());
    const certs = makeCertificates(dir.path);
    const secure = await startServer({ phaseMs: 60_000, tls: certs.good }); // holds the job queued until cancelled
    const network = createNetwork({ extraCa: await readCaFile(certs.caFile) });
    onCleanup(() => network.close());
    const h = await makeHarness();
    const { queue, events } = await h.makeQueue({ server: { baseUrl: secure.url, network } });
    const job = await queue.enqueue({ chartNumber: 'TLS-CANCEL', files: [await h.files.pdf('a.pdf')] });
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded');
    await queue.cancel(job.id);
    expect(events.filter((e) => e.type === 'warning')).toEqual([]);
    expect(queue.get(job.id)).toMatchObject({ stage: 'tracking', cancelRequested: true }); // "Cancelling…" until the final update
    expect(secure.jobs().map((j) => [j.chartNumber, j.status])).toEqual([['TLS-CANCEL', 'cancelled']]);
  });

  it('another dialect at the same URL restarts the upload in flight on it (same key, one server job)', async () => {
    const h = await makeHarness({ dialect: 'socketio-events', phaseMs: 60_000 });
    const uploads = (): number => h.server.stats.requestsByRoute['POST /api/jobs'] ?? 0;
    h.server.injectUploadFaults({ kind: 'stall' }); // the first try hangs until something stops it
    const { queue } = await h.makeQueue({ server: { baseUrl: h.server.url, dialect: SOCKETIO_EVENTS }, timings: { stallMs: 120_000, saveDebounceMs: 5 } });
    const job = await queue.enqueue({ chartNumber: 'DIALECT', files: [await h.files.pdf('a.pdf', { bytes: 300_000 })] });
    await waitFor(() => uploads() === 1, 'the first try reached the server');
    // The same backend described without batches (a dialect file edited by the operator): another upload form.
    const withoutBatches: SocketIoDialect = { ...SOCKETIO_EVENTS, name: 'events-without-batches', form: { ...SOCKETIO_EVENTS.form, batchId: null } };
    queue.setServer({ baseUrl: h.server.url, dialect: withoutBatches });
    await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded in the new form', 10_000);
    expect(uploads()).toBe(2);
    expect(queue.get(job.id)?.idempotencyKey).toBe(job.idempotencyKey);
    expect(h.server.jobs().map((j) => j.chartNumber)).toEqual(['DIALECT']);
  });
});
