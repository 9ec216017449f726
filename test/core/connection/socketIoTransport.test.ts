/**
 * One Socket.IO connection attempt in isolation (SocketIoTransport), against
 * a throwaway real `socket.io` server that says exactly what a test needs:
 * what the backend receives (token, joins, leaves), how each event reaches
 * the engine, the two ways a token is refused, and the attempt's own timers
 * (connect timeout, auth window, healthy) on a fake clock; and that the
 * connection takes the network port's proxy and trusted CA.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { SocketIoTransport } from '../../../src/core/connection/socketIoTransport';
import { DEFAULT_CONNECTION_TIMINGS } from '../../../src/core/connection/timings';
import type { DownReason, Inbound } from '../../../src/core/connection/transport';
import { createNetwork, defaultNetwork, type Network } from '../../../src/core/network/network';
import { SOCKETIO_EVENTS, SOCKETIO_ROOMS, type SocketIoDialect } from '../../../src/shared/dialect';
import { FakeClock } from '../../support/fakeClock';
import { FIXED_CA, FIXED_SERVER } from '../network/fixedTls';
import { useGenerationRig } from './generationRig';
import { waitUntil } from './waitUntil';

const rig = useGenerationRig();

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Backend {
  url: string;
  peers: ServerSocket[];
  received: Array<{ event: string; payload: unknown }>;
}

async function backend(
  options: { refuse?: string; onJoin?: (payload: unknown, ack?: (body?: unknown) => void) => void; tls?: { cert: string; key: string } } = {},
): Promise<Backend> {
  const httpServer = options.tls ? https.createServer(options.tls) : http.createServer();
  const io = new Server(httpServer, { transports: ['websocket'] });
  const peers: ServerSocket[] = [];
  const received: Backend['received'] = [];
  if (options.refuse !== undefined) io.use((_socket, next) => next(new Error(options.refuse)));
  io.on('connection', (socket) => {
    peers.push(socket);
    socket.onAny((event: string, payload: unknown, ack?: (body?: unknown) => void) => {
      received.push({ event, payload });
      options.onJoin?.(payload, typeof ack === 'function' ? ack : undefined);
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    io.disconnectSockets(true);
    await new Promise((resolve) => io.close(resolve));
  });
  const scheme = options.tls ? 'https' : 'http';
  return { url: `${scheme}://127.0.0.1:${(httpServer.address() as AddressInfo).port}/socket.io`, peers, received };
}

function attempt(url: string, dialect: SocketIoDialect, token: string | null = 'tok', network: Network = defaultNetwork()) {
  const clock = new FakeClock();
  const seen = { open: 0, inbound: [] as Inbound[], downs: [] as DownReason[], healthy: 0 };
  const t = new SocketIoTransport({
    id: 1,
    url,
    token,
    dialect,
    network,
    clock,
    timings: DEFAULT_CONNECTION_TIMINGS,
    events: {
      open: () => void (seen.open += 1),
      inbound: (_t, message) => void seen.inbound.push(message),
      down: (_t, why) => void seen.downs.push(why),
      healthy: () => void (seen.healthy += 1),
    },
  });
  cleanups.push(() => t.dispose());
  return { t, seen, clock };
}

/** A network of its own (a proxy, a private CA), closed after the test's attempts. */
function ownNetwork(options: Parameters<typeof createNetwork>[0]): Network {
  const network = createNetwork(options);
  cleanups.push(() => network.close());
  return network;
}

async function opened(seen: { open: number; downs: DownReason[] }): Promise<void> {
  await waitUntil(() => seen.open === 1 || seen.downs.length > 0, 'open');
  expect(seen.downs).toEqual([]);
}

describe('SocketIoTransport: what the backend receives', () => {
  it('the token in the connect packet and as a Bearer header; joins and leaves under the dialect names', async () => {
    const server = await backend();
    const { t, seen } = attempt(server.url, SOCKETIO_EVENTS, 'clinic-token');
    expect(t.subscribe('job-1')).toBe(false); // not open yet: the caller keeps it wanted
    await opened(seen);
    const handshake = server.peers[0]!.handshake;
    expect(handshake.auth).toEqual({ token: 'clinic-token' });
    expect(handshake.headers.authorization).toBe('Bearer clinic-token');
    expect(t.subscribe('job-1')).toBe(true);
    expect(t.unsubscribe('job-1')).toBe(true);
    expect(t.subscribeBatch('batch-9')).toBe(true);
    await waitUntil(() => server.received.length === 3, 'three emits');
    expect(server.received).toEqual([
      { event: 'subscribe:job', payload: { job_id: 'job-1' } },
      { event: 'unsubscribe:job', payload: { job_id: 'job-1' } },
      { event: 'subscribe:batch', payload: { batch_id: 'batch-9' } },
    ]);
  });

  it('no token: neither auth nor Authorization is sent', async () => {
    const server = await backend();
    const { seen } = attempt(server.url, SOCKETIO_ROOMS, null);
    await opened(seen);
    const handshake = server.peers[0]!.handshake;
    expect(handshake.auth).toEqual({});
    expect(handshake.headers.authorization).toBeUndefined();
  });

  it('a dialect without batches follows none; nothing is sent on a closed attempt', async () => {
    const server = await backend();
    const { t, seen } = attempt(server.url, SOCKETIO_ROOMS);
    await opened(seen);
    expect(t.subscribeBatch('batch-9')).toBe(false);
    await t.dispose();
    expect(t.isOpen).toBe(false);
    expect(t.subscribe('job-1')).toBe(false);
    expect(t.unsubscribe('job-1')).toBe(false);
    expect(SOCKETIO_EVENTS.events.subscribeBatch).not.toBeNull();
  });
});

describe('SocketIoTransport: the join acknowledged by an event (socketio-events)', () => {
  it('the join asks for no callback: a server that would answer one anyway gives the engine one ack, from `subscribed`', async () => {
    const server: Backend = await backend({
      onJoin: (payload, ack) => {
        const id = (payload as { job_id: string }).job_id;
        ack?.({ job_id: id, status: 'PROCESSING', progress: 10, timestamp: '2026-01-01T00:00:00Z' });
        server.peers[0]!.emit('subscribed', { job_id: id, status: 'PENDING', timestamp: '2026-01-01T00:00:00Z' });
      },
    });
    const { t, seen } = attempt(server.url, SOCKETIO_EVENTS);
    await opened(seen);
    expect(t.subscribe('job-1')).toBe(true);
    // A callback's answer would come before the `subscribed` event (both in order on one connection).
    await waitUntil(() => seen.inbound.some((m) => m.kind === 'ack'), 'subscribed');
    expect(seen.inbound).toHaveLength(1);
    expect(seen.inbound[0]).toMatchObject({ kind: 'ack', jobId: 'job-1', snapshot: { status: 'queued' } });
  });
});

describe('SocketIoTransport: the join acknowledged by callback (socketio-rooms)', () => {
  it('an ack with the job object is an ack with its snapshot; an empty ack or another job is an ack without one', async () => {
    const server = await backend({
      onJoin: (payload, ack) => {
        const id = (payload as { job_id: string }).job_id;
        if (id === 'with-state') ack?.({ id, status: 'processing', progress_percent: 40, updated_at: '2026-01-01T00:00:01Z' });
        else if (id === 'other-job') ack?.({ id: 'someone-else', status: 'processing', progress_percent: 40, updated_at: '2026-01-01T00:00:01Z' });
        else ack?.();
      },
    });
    const { t, seen } = attempt(server.url, SOCKETIO_ROOMS);
    await opened(seen);
    t.subscribe('with-state');
    t.subscribe('empty');
    t.subscribe('other-job');
    await waitUntil(() => seen.inbound.length === 3, 'three acks');
    const byId = new Map(seen.inbound.map((m) => [m.kind === 'ack' ? m.jobId : '?', m]));
    expect(byId.get('with-state')).toMatchObject({ kind: 'ack', snapshot: { jobId: 'with-state', status: 'processing', progress: 40 } });
    expect(byId.get('empty')).toEqual({ kind: 'ack', jobId: 'empty', snapshot: null });
    expect(byId.get('other-job')).toEqual({ kind: 'ack', jobId: 'other-job', snapshot: null });
  });

  it('an ack that arrives after dispose reaches nobody', async () => {
    let late: ((body?: unknown) => void) | undefined;
    const server = await backend({ onJoin: (_payload, ack) => (late = ack) });
    const { t, seen } = attempt(server.url, SOCKETIO_ROOMS);
    await opened(seen);
    t.subscribe('job-1');
    await waitUntil(() => late !== undefined, 'join received');
    await t.dispose();
    late?.();
    // Barrier: a second server round trip on another client after the late ack.
    const other = attempt(server.url, SOCKETIO_ROOMS);
    await opened(other.seen);
    expect(seen.inbound).toEqual([]);
  });
});

describe('SocketIoTransport: events as the engine reads them', () => {
  it.each([
    ['job:update', { job_id: 'j', status: 'PROCESSING', progress: 10, timestamp: '2026-01-01T00:00:00Z' }, { kind: 'update', update: { jobId: 'j', status: 'processing' } }],
    ['job:update', 'not an object', { kind: 'bad' }],
    ['subscribed', { job_id: 'j', status: 'PENDING', timestamp: '2026-01-01T00:00:00Z' }, { kind: 'ack', jobId: 'j', snapshot: { jobId: 'j', status: 'queued' } }],
    ['subscribed', { job_id: 'j' }, { kind: 'ack', jobId: 'j', snapshot: null }],
    ['subscribed', { nothing: true }, { kind: 'bad', reason: 'wrong_shape' }],
    ['error', { job_id: 'j', message: 'unknown job' }, { kind: 'error', jobId: 'j' }],
    ['error', { message: 'slow down' }, { kind: 'error' }],
    ['batch:update', { batch_id: 'b', total: 2, completed: 1, failed: 0 }, { kind: 'batch', batch: { batchId: 'b' } }],
    ['batch:update', { total: 2 }, { kind: 'bad', reason: 'wrong_shape' }],
    ['connection', { hello: 1 }, { kind: 'ignored' }],
    ['surprise', {}, { kind: 'bad', reason: 'unknown_type' }],
  ] as const)('socketio-events %s %j', async (event, payload, expected) => {
    const server = await backend();
    const { seen } = attempt(server.url, SOCKETIO_EVENTS);
    await opened(seen);
    server.peers[0]!.emit(event, payload);
    await waitUntil(() => seen.inbound.length === 1, 'one message');
    expect(seen.inbound[0]).toMatchObject(expected);
    if (expected.kind === 'error' && !('jobId' in expected)) expect(seen.inbound[0]).toEqual({ kind: 'error' });
  });

  it('socketio-rooms: a `connection` event is not one of its events', async () => {
    const server = await backend();
    const { seen } = attempt(server.url, SOCKETIO_ROOMS);
    await opened(seen);
    server.peers[0]!.emit('connection', {});
    server.peers[0]!.emit('batch:update', { batch_id: 'b', total: 1, completed: 1, failed: 0 });
    await waitUntil(() => seen.inbound.length === 2, 'two messages');
    expect(seen.inbound).toEqual([
      { kind: 'bad', reason: 'unknown_type' },
      { kind: 'bad', reason: 'unknown_type' },
    ]);
  });

  it('nothing reaches the engine once disposed', async () => {
    const server = await backend();
    const { t, seen } = attempt(server.url, SOCKETIO_EVENTS);
    await opened(seen);
    const peer = server.peers[0]!;
    await t.dispose();
    peer.emit('job:update', { job_id: 'j', status: 'PROCESSING' });
    const other = attempt(server.url, SOCKETIO_EVENTS);
    await opened(other.seen);
    expect(seen.inbound).toEqual([]);
    expect(seen.downs).toEqual([]);
  });
});

describe('SocketIoTransport: how an attempt ends', () => {
  it('a connect_error naming the token is an auth failure (stop retrying)', async () => {
    const server = await backend({ refuse: 'unauthorized' });
    const { seen } = attempt(server.url, SOCKETIO_EVENTS);
    await waitUntil(() => seen.downs.length === 1, 'refused');
    expect(seen.downs).toEqual([{ reason: 'server refused the token (unauthorized)', auth: true, immediate: false }]);
    expect(seen.open).toBe(0);
  });

  it('a refusal is cut to its first 100 characters in the reason the user sees', async () => {
    const said = `unauthorized: ${'this token was revoked by the clinic administrator; '.repeat(4)}`;
    const server = await backend({ refuse: said });
    const { seen } = attempt(server.url, SOCKETIO_EVENTS);
    await waitUntil(() => seen.downs.length === 1, 'refused');
    expect(said.length).toBeGreaterThan(150);
    expect(seen.downs).toEqual([{ reason: `server refused the token (${said.slice(0, 100)})`, auth: true, immediate: false }]);
  });

  it('any other connect_error is a failed attempt to retry, in words an operator can read', async () => {
    const server = await backend({ refuse: 'server busy' });
    const { seen } = attempt(server.url, SOCKETIO_EVENTS);
    await waitUntil(() => seen.downs.length === 1, 'refused');
    expect(seen.downs[0]).toMatchObject({ auth: false, immediate: false });
    expect(seen.downs[0]!.reason).toBe(`Socket.IO: Could not reach ${new URL(server.url).host}: server busy.`);
    expect(seen.downs[0]!.problem).toEqual({ step: 'connect', message: `Could not reach ${new URL(server.url).host}: server busy.` });
  });

  it('nobody listening: a failed attempt, not an auth failure', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const { seen } = attempt(`http://127.0.0.1:${port}/socket.io`, SOCKETIO_ROOMS);
    await waitUntil(() => seen.downs.length === 1, 'failed');
    // The socket's own error (its code), not the wrapper socket.io-client puts around it.
    const said = `The server 127.0.0.1:${port} refused the connection (is it running?).`;
    // The failed step goes with it, so the indicator can name it, as for the plain WebSocket.
    expect(seen.downs).toEqual([{ reason: `Socket.IO: ${said}`, auth: false, immediate: false, problem: { step: 'connect', message: said } }]);
  });

  it('the server disconnecting us right after connect is seed 003 refusing the token; later it is a drop', async () => {
    const server = await backend();
    const early = attempt(server.url, SOCKETIO_ROOMS);
    await opened(early.seen);
    server.peers[0]!.disconnect(true);
    await waitUntil(() => early.seen.downs.length === 1, 'disconnected early');
    expect(early.seen.downs).toEqual([{ reason: 'server disconnected us right after connect: the token was refused', auth: true, immediate: false }]);

    const later = attempt(server.url, SOCKETIO_ROOMS);
    await opened(later.seen);
    later.clock.advance(DEFAULT_CONNECTION_TIMINGS.authDisconnectWindowMs);
    server.peers[1]!.disconnect(true);
    await waitUntil(() => later.seen.downs.length === 1, 'disconnected later');
    expect(later.seen.downs).toEqual([{ reason: 'socket closed (io server disconnect)', auth: false, immediate: false }]);
  });

  it('a connection lost right after connect (not a server disconnect) is a drop, not a refused token', async () => {
    const server = await backend();
    const { seen } = attempt(server.url, SOCKETIO_ROOMS);
    await opened(seen);
    server.peers[0]!.conn.close();
    await waitUntil(() => seen.downs.length === 1, 'dropped');
    expect(seen.downs).toEqual([{ reason: 'socket closed (transport close)', auth: false, immediate: false }]);
  });

  it('a connection that never opens is given up after connectTimeoutMs', async () => {
    // Accepts TCP and never answers the upgrade.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      await new Promise((resolve) => silent.close(resolve));
    });
    const sockets: net.Socket[] = [];
    silent.on('connection', (socket) => sockets.push(socket));
    cleanups.push(async () => sockets.forEach((s) => s.destroy()));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/socket.io`;
    const { seen, clock } = attempt(silentUrl, SOCKETIO_ROOMS);
    await waitUntil(() => sockets.length === 1, 'tcp accepted');
    clock.advance(DEFAULT_CONNECTION_TIMINGS.connectTimeoutMs - 1);
    expect(seen.downs).toEqual([]);
    clock.advance(1);
    expect(seen.downs).toEqual([
      {
        reason: `connect timed out after ${DEFAULT_CONNECTION_TIMINGS.connectTimeoutMs} ms`,
        auth: false,
        immediate: false,
        problem: { step: 'connect', message: `${new URL(silentUrl).host} did not answer within ${DEFAULT_CONNECTION_TIMINGS.connectTimeoutMs} ms.` },
      },
    ]);
  });

  it('open cancels the connect timeout; healthy comes after healthyAfterMs of staying up', async () => {
    const server = await backend();
    const { seen, clock } = attempt(server.url, SOCKETIO_ROOMS);
    await opened(seen);
    clock.advance(DEFAULT_CONNECTION_TIMINGS.healthyAfterMs - 1);
    expect(seen.healthy).toBe(0);
    clock.advance(DEFAULT_CONNECTION_TIMINGS.connectTimeoutMs);
    expect(seen.healthy).toBe(1);
    expect(seen.downs).toEqual([]);
  });

  it('fail() reports down once, closes the connection, and leaves no timer', async () => {
    const server = await backend();
    const { t, seen } = attempt(server.url, SOCKETIO_ROOMS);
    await opened(seen);
    t.fail({ reason: 'no acks', auth: false, immediate: true });
    t.fail({ reason: 'again', auth: false, immediate: false });
    expect(seen.downs).toEqual([{ reason: 'no acks', auth: false, immediate: true }]);
    expect(t.isOpen).toBe(false);
    expect(t.timers.size).toBe(0);
    await waitUntil(() => server.peers[0]!.disconnected, 'the server saw the close');
    t.probe(); // Socket.IO's heartbeat decides; nothing to send.
    expect(seen.downs).toHaveLength(1);
  });
});

describe('SocketIoTransport: through the network port', () => {
  it('a proxy in the network carries the connection (a CONNECT tunnel to the server)', async () => {
    const server = await backend();
    const proxy = await rig.proxy();
    const network = ownNetwork({ proxy: () => Promise.resolve(proxy.url) });
    const { seen } = attempt(server.url, SOCKETIO_EVENTS, 'tok', network);
    await opened(seen);
    expect(proxy.connects).toEqual([new URL(server.url).host]);
    expect(server.peers).toHaveLength(1);
  });

  it('a server whose certificate a private CA signed: refused with the bundled roots only, connected once the network trusts that CA', async () => {
    const server = await backend({ tls: FIXED_SERVER });
    const untrusted = attempt(server.url, SOCKETIO_ROOMS);
    await waitUntil(() => untrusted.seen.downs.length === 1, 'refused certificate');
    expect(untrusted.seen.downs[0]).toMatchObject({ auth: false, immediate: false });
    expect(untrusted.seen.downs[0]!.reason).toMatch(/^Socket\.IO: The certificate of 127\.0\.0\.1:\d+ is signed by an unknown authority/);
    expect(untrusted.seen.downs[0]!.problem?.step).toBe('tls');

    const { seen } = attempt(server.url, SOCKETIO_ROOMS, 'tok', ownNetwork({ extraCa: [FIXED_CA] }));
    await opened(seen);
    expect(server.peers).toHaveLength(1);
  });
});
