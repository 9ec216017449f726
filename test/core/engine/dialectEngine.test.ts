/**
 * The whole engine (queue and connection) on a Socket.IO backend: uploads on
 * the dialect's path and fields, jobs followed to their end, one batch id for
 * a multi-chart enqueue, and cancel where the dialect has it (socketio-rooms)
 * or the honest fallback where it has none (socketio-events).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IntakeEngine } from '../../../src/core/engine/IntakeEngine';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { CANCEL_UNSUPPORTED } from '../../../src/shared/jobRules';
import { SOCKETIO_EVENTS, SOCKETIO_ROOMS, type SocketIoDialect } from '../../../src/shared/dialect';
import type { ReferenceServerOptions } from '../../../src/server/index';
import { makeTempDir, type TempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { waitFor } from '../queue/waitFor';

const dirs: TempDir[] = [];
const engines: IntakeEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.dispose()));
  await Promise.all(dirs.splice(0).map((dir) => dir.remove()));
});

async function open(dialect: SocketIoDialect, options: ReferenceServerOptions) {
  const server = await startServer({ dialect, ...options });
  const dir = await makeTempDir('intake-dialect-engine-');
  dirs.push(dir);
  const engine = await IntakeEngine.open({ choice: { serverUrl: server.url, webSocketUrl: null, token: null, dialect }, store: createFileQueueStore(dir.path) });
  engines.push(engine);
  await engine.start();
  return { server, engine, dir };
}

describe('IntakeEngine on a Socket.IO backend', () => {
  it('socketio-events: a multi-chart enqueue is one batch at the server, every job followed to completed', async () => {
    const { server, engine, dir } = await open(SOCKETIO_EVENTS, { phaseMs: 20 });
    expect(engine.server.wsUrl).toBe(`${new URL(server.url).origin}/socket.io`);
    const results = await engine.queue.enqueueMany([
      { chartNumber: 'E-1', files: [await dir.pdf('a.pdf')] },
      { chartNumber: 'E-2', files: [await dir.pdf('b.pdf')] },
    ]);
    const ids = results.map((result) => (result.ok ? result.job.id : ''));
    await waitFor(() => ids.every((id) => engine.queue.get(id)?.stage === 'completed'), 'both completed');
    expect(server.stats.requestsByRoute['POST /api/jobs']).toBe(2);
    const batchIds = new Set(server.jobs().map((job) => job.batchId));
    expect(batchIds.size).toBe(1);
    expect(engine.queue.get(ids[0]!)).toMatchObject({ batchId: [...batchIds][0], server: { status: 'completed', statusWord: 'DELIVERED', progress: 100 } });
  });

  it('socketio-rooms cancels at the server (final `cancelled`); socketio-events has no cancel route and says so', async () => {
    const rooms = await open(SOCKETIO_ROOMS, { phaseMs: 60_000 });
    const job = await rooms.engine.queue.enqueue({ chartNumber: 'R-1', files: [await rooms.dir.pdf('r.pdf')] });
    await waitFor(() => rooms.engine.queue.get(job.id)?.stage === 'tracking', 'uploaded');
    await rooms.engine.queue.cancel(job.id);
    await waitFor(() => rooms.engine.queue.get(job.id)?.stage === 'cancelled', 'cancelled at the server');
    expect(rooms.server.jobs()[0]).toMatchObject({ status: 'cancelled' });
    expect(rooms.engine.queue.get(job.id)).toMatchObject({ server: { status: 'cancelled', statusWord: 'cancelled' }, error: null });

    const events = await open(SOCKETIO_EVENTS, { phaseMs: 60_000 });
    const other = await events.engine.queue.enqueue({ chartNumber: 'V-1', files: [await events.dir.pdf('v.pdf')] });
    await waitFor(() => events.engine.queue.get(other.id)?.stage === 'tracking', 'uploaded');
    const before = events.server.stats.httpRequests;
    await events.engine.queue.cancel(other.id);
    expect(events.engine.queue.get(other.id)).toMatchObject({ stage: 'cancelled', error: { message: CANCEL_UNSUPPORTED } });
    expect(events.server.stats.httpRequests).toBe(before); // no route to ask
    expect(events.server.jobs()[0]).toMatchObject({ status: 'queued' });
  });
});
