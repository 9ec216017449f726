/**
 * What the engine tells its front ends, on the engine's own clock (a fake one
 * here; sockets and HTTP to the real reference server run for real): the
 * notification made when a job ends (chart number as the setting says at that
 * moment), the retry time a job shows, the page's batches (one feed for every
 * listener, flushed on demand), a listener that throws (logged, the others
 * still told), and a network set again that changes nothing.
 */
import { describe, expect, it } from 'vitest';
import type { IntakeEngineOptions } from '../../../src/core/engine/IntakeEngine';
import type { JobDelta } from '../../../src/shared/jobDelta';
import type { NotificationDecision } from '../../../src/core/notifications/notificationPolicy';
import { FakeClock } from '../../support/fakeClock';
import { startServer } from '../../support/referenceServer';
import { waitFor } from '../queue/waitFor';
import { engineRig } from './engineRig';

const rig = engineRig('intake-engine-events-');
async function openEngine(options: Partial<IntakeEngineOptions> & Pick<IntakeEngineOptions, 'choice'>) {
  const clock = new FakeClock();
  return { clock, ...(await rig.open({ clock, ...options })) };
}

const choice = (serverUrl: string) => ({ serverUrl, webSocketUrl: null, token: null });

describe('IntakeEngine events', () => {
  it('a failed try shows its retry time on the engine clock and retries then; the notification comes when that clock closes the window', async () => {
    const server = await startServer({ phaseMs: 10 });
    let chartNumbers = false;
    const { engine, clock, files } = await openEngine({
      choice: choice(server.url),
      random: () => 0.5,
      queue: { timings: { retryBaseMs: 1000, retryMaxMs: 8000 } },
      notifications: { chartNumbers: () => chartNumbers },
    });
    const decisions: NotificationDecision[] = [];
    const off = engine.onNotification((decision) => decisions.push(decision));
    server.injectUploadFaults({ kind: 'status', status: 503 });
    const job = await engine.queue.enqueue({ chartNumber: 'N-1', files: [await files.pdf('scan.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.nextUploadAt != null, 'the first try to be refused');
    // Full jitter: half of the first ceiling (1 s), from the engine's clock.
    expect(engine.queue.get(job.id)?.nextUploadAt).toBe(clock.now() + 500);
    clock.advance(499);
    expect(engine.queue.get(job.id)).toMatchObject({ uploadAttempts: 1, error: { code: 'unavailable' } });
    clock.advance(1);
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'the retried job to complete');
    expect(decisions).toEqual([]);
    // The setting as it is when the window closes, not when the job ended.
    chartNumbers = true;
    clock.advance(2999);
    expect(decisions).toEqual([]);
    clock.advance(1);
    expect(decisions).toEqual([{ kind: 'completed', title: 'Job completed', body: 'Chart N-1: 1 document processed.', jobIds: [job.id] }]);
    off.dispose();
  });

  it("the page's batches: one feed for every listener, all flushed on demand; a throwing listener is logged and the others still get theirs", async () => {
    const server = await startServer({ phaseMs: 10 });
    const { engine, files, lines } = await openEngine({ choice: choice(server.url) });
    // Before any page listens there is nothing to flush, and nothing breaks.
    expect(() => engine.flushPage()).not.toThrow();
    const tray: JobDelta[][] = [];
    const page: JobDelta[][] = [];
    const offTray = engine.onPageBatch((batch) => tray.push(batch));
    const offBroken = engine.onPageBatch(() => {
      throw new TypeError('a broken page');
    });
    const offSilent = engine.onPageBatch(() => {
      throw undefined;
    });
    const offPage = engine.onPageBatch((batch) => page.push(batch));
    const job = await engine.queue.enqueue({ chartNumber: 'P-1', files: [await files.pdf('scan.pdf')] });
    engine.flushPage();
    const ids = (batches: JobDelta[][]) => batches.flat().map((delta) => (delta.type === 'upsert' ? delta.job.id : delta.id));
    expect(ids(tray)).toContain(job.id);
    expect(ids(page)).toContain(job.id);
    expect(tray).toEqual(page);
    expect(lines).toContain('error a page-batch listener threw {"error":"TypeError"}');
    expect(lines).toContain('error a page-batch listener threw {}');
    for (const off of [offTray, offBroken, offSilent, offPage]) off.dispose();
  });

  it('a server listener that throws is logged, and the others are still told', async () => {
    const server = await startServer({ phaseMs: 10 });
    const { engine, lines } = await openEngine({ choice: choice(server.url) });
    const told: Array<string | null> = [];
    const offs = [
      engine.onServer(() => {
        throw new RangeError('a broken window');
      }),
      engine.onServer(() => {
        throw null;
      }),
      engine.onServer((record) => told.push(record.token)),
    ];
    engine.setToken('t-2');
    expect(told).toEqual(['t-2']);
    expect(lines.filter((line) => line.startsWith('error'))).toEqual(['error an engine listener threw {"error":"RangeError"}', 'error an engine listener threw {}']);
    for (const off of offs) off.dispose();
  });

  it('the network in use set again changes nothing: no new server of record, nobody told, uploads still go', async () => {
    const server = await startServer({ phaseMs: 10 });
    const { engine, files } = await openEngine({ choice: choice(server.url) });
    await waitFor(() => engine.connection.state.state === 'connected', 'connected');
    const before = engine.server;
    const told: unknown[] = [];
    const off = engine.onServer((record) => told.push(record));
    engine.setNetwork(before.network);
    expect(engine.server).toBe(before);
    expect(told).toEqual([]);
    const job = await engine.queue.enqueue({ chartNumber: 'S-1', files: [await files.pdf('scan.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'the job to complete');
    off.dispose();
  });
});
