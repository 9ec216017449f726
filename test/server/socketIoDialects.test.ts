/**
 * The reference server speaking the Socket.IO dialects (PROTOCOL.md "Backend
 * dialects"), checked with a bare socket.io-client: REST paths and fields,
 * acks with snapshots (callback or `subscribed`), update events and status
 * words, the fault switches, both auth refusals, blocked jobs and batches.
 */
import { io, type Socket } from 'socket.io-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SOCKETIO_EVENTS, SOCKETIO_ROOMS, type SocketIoDialect } from '../../src/shared/dialect';
import { type ReferenceServer, type ReferenceServerOptions } from '../../src/server/index';
import { parseServerArgs } from '../../src/server/serverArgs';
import { startServer } from '../support/referenceServer';
import { postMultipart, sendRequest } from './fixtures/multipartUpload';
import { pdfWithPages } from './fixtures/sampleDocuments';
import { waitFor } from './fixtures/waitFor';

async function dialectServer(dialect: SocketIoDialect, options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  return startServer({ phaseMs: 600_000, dialect, ...options });
}

async function upload(server: ReferenceServer, dialect: SocketIoDialect, extra: Array<{ field: string; value: string }> = [], token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const reply = await postMultipart(
    `${server.url}${dialect.rest.upload}`,
    [{ field: dialect.form.chartNumber, value: 'SIO-1' }, ...extra, { file: dialect.form.documents, filename: 'scan.pdf', content: pdfWithPages(1) }],
    { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } },
  );
  return { status: reply.status, body: reply.body as Record<string, unknown> };
}

interface Probe {
  socket: Socket;
  events: Array<{ name: string; payload: unknown }>;
}

function connect(server: ReferenceServer, auth?: { token: string }): Probe {
  const socket = io(new URL(server.url).origin, { path: '/socket.io', transports: ['websocket'], reconnection: false, ...(auth && { auth }) });
  const events: Probe['events'] = [];
  socket.onAny((name: string, payload: unknown) => events.push({ name, payload }));
  socket.on('connect_error', (error) => events.push({ name: 'connect_error', payload: error.message }));
  socket.on('disconnect', (reason) => events.push({ name: 'disconnect', payload: reason }));
  onTestFinished(() => void socket.close());
  return { socket, events };
}

const connected = (probe: Probe): Promise<void> => waitFor(() => probe.socket.connected, 'connected');
const named = (probe: Probe, name: string): unknown[] => probe.events.filter((e) => e.name === name).map((e) => e.payload);

/** Subscribes as the dialect does and resolves with the ack's snapshot. */
async function join(probe: Probe, dialect: SocketIoDialect, jobId: string): Promise<Record<string, unknown> | null> {
  if (dialect.events.subscribed === null) {
    return (await probe.socket.timeout(5000).emitWithAck(dialect.events.subscribe, { [dialect.fields.jobId]: jobId })) as Record<string, unknown> | null;
  }
  const before = named(probe, dialect.events.subscribed).length;
  probe.socket.emit(dialect.events.subscribe, { [dialect.fields.jobId]: jobId });
  await waitFor(() => named(probe, dialect.events.subscribed!).length > before, 'subscribed');
  return named(probe, dialect.events.subscribed).at(-1) as Record<string, unknown>;
}

describe.each([
  ['socketio-rooms', SOCKETIO_ROOMS, 'pending', 'completed'],
  ['socketio-events', SOCKETIO_EVENTS, 'PENDING', 'DELIVERED'],
] as const)('dialect %s', (_name, dialect, pendingWord, doneWord) => {
  const f = dialect.fields;

  it('uploads on its path, answers status, acks joins with a snapshot and pushes every change to the end', async () => {
    const server = await dialectServer(dialect, { phaseMs: 20 });
    const created = await upload(server, dialect);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ job_id: expect.any(String), status: pendingWord });
    const jobId = created.body.job_id as string;
    const status = await sendRequest(`${server.url}${dialect.rest.status.replace('{id}', jobId)}`, { method: 'GET' });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ [f.objectId]: jobId, [f.status]: expect.any(String), [f.progress]: expect.any(Number), [f.timestamp]: expect.any(String) });
    // The intake routes are not served by a Socket.IO backend.
    expect((await sendRequest(`${server.url}/documents/status/SIO-1`, { method: 'GET' })).status).toBe(404);

    const probe = connect(server);
    await connected(probe);
    const snapshot = await join(probe, dialect, jobId);
    expect(snapshot).toMatchObject({ [f.objectId]: jobId, [f.status]: expect.any(String) });
    const updates = (): Array<Record<string, unknown>> =>
      probe.events.filter((e) => dialect.events.updates.includes(e.name)).map((e) => e.payload as Record<string, unknown>);
    await waitFor(() => updates().some((u) => u[f.status] === doneWord), 'final update');
    const last = updates().at(-1)!;
    expect(last).toMatchObject({ [f.objectId]: jobId, [f.status]: doneWord, [f.progress]: 100 });
    const progress = updates().map((u) => u[f.progress] as number);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const times = updates().map((u) => Date.parse(u[f.timestamp] as string));
    expect(new Set(times).size).toBe(times.length);
    if (dialect === SOCKETIO_EVENTS) {
      expect(named(probe, 'connection')[0]).toEqual({ connected: true, session_id: expect.any(String) });
      expect(probe.events.filter((e) => e.name === 'job:completed')).toHaveLength(1);
    }
    expect(server.stats.wsConnections).toBe(1);
  });

  it('stops acknowledging joins on request, still delivering updates to the room', async () => {
    const server = await dialectServer(dialect);
    const jobId = (await upload(server, dialect)).body.job_id as string;
    server.setJoinAcks?.(false);
    const probe = connect(server);
    await connected(probe);
    if (dialect.events.subscribed === null) {
      await expect(probe.socket.timeout(300).emitWithAck(dialect.events.subscribe, { job_id: jobId })).rejects.toThrow();
    } else {
      probe.socket.emit(dialect.events.subscribe, { job_id: jobId });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(named(probe, dialect.events.subscribed)).toHaveLength(0);
    }
    server.emitStatus?.(jobId, 'processing', 'ocr_started', 'OCR started.');
    await waitFor(() => named(probe, dialect.events.updates[0]!).length === 1, 'update without ack');
  });

  it('answers an unknown job with an error event, and drops every socket like a lost network', async () => {
    const server = await dialectServer(dialect);
    const probe = connect(server);
    await connected(probe);
    probe.socket.emit(dialect.events.subscribe, { job_id: 'no-such-job' });
    await waitFor(() => named(probe, 'error').length === 1, 'error event');
    expect(named(probe, 'error')[0]).toEqual({ message: expect.stringMatching(/Unknown job/), job_id: 'no-such-job' });
    server.dropAllSockets();
    await waitFor(() => named(probe, 'disconnect').length === 1, 'disconnect');
    expect(named(probe, 'disconnect')[0]).toBe('transport close');
  });

  it.each(['connect_error', 'disconnect'] as const)('refuses a wrong token by %s; REST says 403', async (authRefusal) => {
    const server = await dialectServer(dialect, { token: 'right', authRefusal });
    expect((await upload(server, dialect, [], 'wrong')).status).toBe(403);
    expect((await upload(server, dialect, [], 'right')).status).toBe(201);
    const refused = connect(server, { token: 'wrong' });
    if (authRefusal === 'connect_error') {
      await waitFor(() => named(refused, 'connect_error').length === 1, 'connect_error');
      expect(named(refused, 'connect_error')[0]).toBe('unauthorized');
    } else {
      await waitFor(() => named(refused, 'disconnect').length === 1, 'disconnect');
      expect(named(refused, 'disconnect')[0]).toBe('io server disconnect');
    }
    const accepted = connect(server, { token: 'right' });
    await connected(accepted);
    expect(server.stats.wsConnections).toBe(2);
  });
});

describe('dialect-specific parts', () => {
  it('socketio-rooms cancels a job: 202, then a final `cancelled` update', async () => {
    const server = await dialectServer(SOCKETIO_ROOMS);
    const jobId = (await upload(server, SOCKETIO_ROOMS)).body.job_id as string;
    const probe = connect(server);
    await connected(probe);
    await join(probe, SOCKETIO_ROOMS, jobId);
    const reply = await sendRequest(`${server.url}/v1/jobs/${jobId}/cancel`, { method: 'POST' });
    expect(reply.status).toBe(202);
    await waitFor(() => named(probe, 'job_progress').length === 1, 'cancelled update');
    expect(named(probe, 'job_progress')[0]).toMatchObject({ id: jobId, status: 'cancelled', error_message: expect.any(String) });
    expect((await sendRequest(`${server.url}/v1/jobs/${jobId}/cancel`, { method: 'POST' })).status).toBe(409);
  });

  it('socketio-events holds jobs as BLOCKED and reports batch progress to batch subscribers and over REST', async () => {
    const server = await dialectServer(SOCKETIO_EVENTS, { phaseMs: 10, blockedRate: 1 });
    const probe = connect(server);
    await connected(probe);
    probe.socket.emit('subscribe:batch', { batch_id: 'drop-1' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const created = await upload(server, SOCKETIO_EVENTS, [{ field: 'batch_id', value: 'drop-1' }]);
      expect(created.body).toEqual({ job_id: expect.any(String), status: 'PENDING', batch_id: 'drop-1' });
      ids.push(created.body.job_id as string);
    }
    await waitFor(() => server.jobs().every((job) => job.status === 'blocked'), 'all blocked');
    await waitFor(() => named(probe, 'batch:update').some((b) => (b as { completed: number }).completed === 3), 'batch done');
    expect(named(probe, 'batch:update').at(-1)).toMatchObject({ batch_id: 'drop-1', total: 3, completed: 3, status: 'completed', progress: expect.any(Number) });
    const batch = await sendRequest(`${server.url}/batches/drop-1`, { method: 'GET' });
    expect(batch.body).toMatchObject({ batch_id: 'drop-1', total: 3, completed: 3 });
    const status = await sendRequest(`${server.url}/jobs/${ids[0]}`, { method: 'GET' });
    expect(status.body).toMatchObject({ job_id: ids[0], status: 'BLOCKED', message: expect.stringMatching(/quality check/) });
    expect((await sendRequest(`${server.url}/v1/jobs/${ids[0]}/cancel`, { method: 'POST' })).status).toBe(404);
  });

  it('takes --dialect, --blocked-rate and --auth-refusal on the command line, with clear refusals', () => {
    expect(parseServerArgs(['--dialect', 'socketio-events', '--blocked-rate', '0.2', '--auth-refusal', 'disconnect'])).toEqual({
      kind: 'run',
      options: { dialect: 'socketio-events', blockedRate: 0.2, authRefusal: 'disconnect' },
    });
    expect(parseServerArgs(['--dialect', 'socketio'])).toEqual({ kind: 'error', message: expect.stringMatching(/--dialect must be one of intake, socketio-rooms, socketio-events/) });
    expect(parseServerArgs(['--blocked-rate', '0.5'])).toEqual({ kind: 'error', message: expect.stringMatching(/needs --dialect socketio-events/) });
    expect(parseServerArgs(['--dialect', 'socketio-rooms', '--blocked-rate', '2'])).toEqual({ kind: 'error', message: expect.stringMatching(/--blocked-rate must be a number from 0 to 1/) });
  });
});
