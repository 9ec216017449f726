/**
 * One socket generation in isolation, against a throwaway ws server: what
 * the backend receives, events while alive, heartbeat and nudge, and nothing
 * at all once down or disposed. How attempts fail: socketGeneration.refusals.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { DEFAULT_CONNECTION_TIMINGS } from '../../../src/core/connection/timings';
import { useGenerationRig } from './generationRig';
import { waitUntil } from './waitUntil';

const { server, generation } = useGenerationRig();

describe('SocketGeneration', () => {
  it('delivers open and frames while alive, and nothing once disposed', async () => {
    const { url, peers } = await server();
    const { g, seen, clock } = generation(url);
    await waitUntil(() => seen.open === 1 && peers.length === 1, 'open');
    peers[0]!.send('{"type":"unsubscribed","jobId":"a","timestamp":"t"}');
    await waitUntil(() => seen.messages.length === 1, 'one frame');
    clock.advance(10_000);
    expect(seen.healthy).toBe(1);
    // While alive it listens on a socket that is not closed (so the leftover checks below can see a leak).
    expect(g.isOpen).toBe(true);
    expect(g.socketClosed).toBe(false);
    expect(g.listenerCount()).toBeGreaterThan(0);

    await g.dispose();
    expect(g.isOpen).toBe(false);
    expect(g.socketClosed).toBe(true);
    expect(g.listenerCount()).toBe(0);
    expect(g.timers.size).toBe(0);
    // A late frame of this old socket (as if still buffered) reaches no one.
    const socket = (g as unknown as { socket: WebSocket }).socket;
    socket.emit('message', Buffer.from('{}'), false);
    expect(seen.messages).toHaveLength(1);
    expect(seen.downs).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it.each([
    ['only server pings (a long OCR phase)', (peer: WebSocket) => peer.ping()],
    ['frames', (peer: WebSocket) => peer.send('{"type":"unsubscribed","jobId":"a","timestamp":"t"}')],
  ])('a socket that keeps hearing %s stays up past many watchdog periods; silence then ends it', async (_what, speak) => {
    const { url, peers } = await server();
    const { seen, clock } = generation(url);
    await waitUntil(() => seen.open === 1 && peers.length === 1, 'open');
    const peer = peers[0]!;
    let heard = 0;
    peer.on('pong', () => void (heard += 1));
    const watchdogMs = DEFAULT_CONNECTION_TIMINGS.watchdogMs;
    for (let i = 1; i <= 8; i += 1) {
      speak(peer);
      // A pong from the client (ws answers pings itself) or the delivered frame proves it arrived.
      await waitUntil(() => heard + seen.messages.length === i, `sign of life ${i}`);
      clock.advance(watchdogMs / 3);
    }
    expect(clock.monotonic()).toBeGreaterThan(2 * watchdogMs);
    expect(seen.downs).toEqual([]);

    // Silence is counted from the last sign of life (a third of a period ago): it ends the socket exactly then.
    clock.advance(watchdogMs - watchdogMs / 3 - 1);
    expect(seen.downs).toEqual([]);
    clock.advance(1);
    expect(seen.downs).toHaveLength(1);
    expect(seen.downs[0]).toMatchObject({ auth: false, immediate: false, reason: `no frame or ping for ${watchdogMs} ms` });
  });

  it('after a nudge, any frame counts as a sign of life; with none the socket is ended at once for a reconnect', async () => {
    // A server that answers pings late (autoPong off): only its frames show it is alive.
    const { url, peers } = await server(undefined, { autoPong: false });
    const { g, seen, clock } = generation(url);
    await waitUntil(() => seen.open === 1 && peers.length === 1, 'open');
    const { nudgePongMs } = DEFAULT_CONNECTION_TIMINGS;
    g.probe();
    peers[0]!.send('{"type":"unsubscribed","jobId":"a","timestamp":"t"}');
    await waitUntil(() => seen.messages.length === 1, 'frame');
    clock.advance(nudgePongMs);
    expect(seen.downs).toEqual([]);

    g.probe();
    clock.advance(nudgePongMs);
    expect(seen.downs).toEqual([expect.objectContaining({ immediate: true, reason: `no pong within ${nudgePongMs} ms after nudge` })]);
  });

  it('reports a server close exactly once', async () => {
    const { url, peers } = await server();
    const { seen } = generation(url);
    await waitUntil(() => peers.length === 1 && seen.open === 1, 'open');
    peers[0]!.close();
    await waitUntil(() => seen.downs.length === 1, 'down');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.downs).toHaveLength(1);
    expect(seen.downs[0]).toMatchObject({ auth: false, immediate: false });
  });

  it('the upgrade carries the token as a Bearer header and offers no compression; without a token, no Authorization at all', async () => {
    const { url, peers, upgrades } = await server();
    const withToken = generation(url, { token: 'tok-1' });
    const withoutToken = generation(url, { token: null });
    await waitUntil(() => withToken.seen.open === 1 && withoutToken.seen.open === 1 && peers.length === 2, 'both open');
    const authorizations = upgrades.map((headers) => headers.authorization);
    expect(authorizations.sort()).toEqual(['Bearer tok-1', undefined]);
    // Compressed frames would cost both ends zlib memory per socket for small JSON frames.
    expect(upgrades.map((headers) => headers['sec-websocket-extensions'])).toEqual([undefined, undefined]);
  });

  it('send() says false while connecting and after a drop, true while open; the server gets only the frames sent while open', async () => {
    const { url, peers } = await server();
    const { g, seen } = generation(url);
    expect(g.send({ type: 'subscribe', jobId: 'too-early' })).toBe(false);
    await waitUntil(() => seen.open === 1 && peers.length === 1, 'open');
    const received: string[] = [];
    peers[0]!.on('message', (data) => received.push(data.toString()));
    expect(g.send({ type: 'subscribe', jobId: 'a' })).toBe(true);
    await waitUntil(() => received.length === 1, 'the frame reached the server');
    expect(received).toEqual(['{"type":"subscribe","jobId":"a"}']);

    peers[0]!.close();
    await waitUntil(() => seen.downs.length === 1, 'down');
    expect(g.send({ type: 'subscribe', jobId: 'too-late' })).toBe(false);
  });

  it('a nudge while still connecting pings nothing and arms nothing: the socket, once open, stays up', async () => {
    const { url, peers } = await server();
    const { g, seen, clock } = generation(url);
    expect(() => g.probe()).not.toThrow();
    clock.advance(DEFAULT_CONNECTION_TIMINGS.nudgePongMs);
    expect(seen.downs).toEqual([]);
    await waitUntil(() => seen.open === 1 && peers.length === 1, 'open');
    clock.advance(DEFAULT_CONNECTION_TIMINGS.nudgePongMs);
    expect(seen.downs).toEqual([]);
  });

  it('a second nudge while the first waits for its pong sends no second ping and does not push the deadline back', async () => {
    const { url, peers } = await server(undefined, { autoPong: false });
    const { g, seen, clock } = generation(url);
    await waitUntil(() => seen.open === 1 && peers.length === 1, 'open');
    let pings = 0;
    const received: string[] = [];
    peers[0]!.on('ping', () => void (pings += 1));
    peers[0]!.on('message', (data) => received.push(data.toString()));
    const { nudgePongMs } = DEFAULT_CONNECTION_TIMINGS;
    g.probe();
    clock.advance(3_000);
    g.probe();
    // A frame sent after the nudges arrives after any ping they sent: once it is there, every ping is counted.
    g.send({ type: 'unsubscribe', jobId: 'marker' });
    await waitUntil(() => received.length === 1, 'marker frame');
    expect(pings).toBe(1);
    clock.advance(nudgePongMs - 3_000 - 1);
    expect(seen.downs).toEqual([]);
    clock.advance(1);
    expect(seen.downs).toEqual([expect.objectContaining({ immediate: true })]);
  });

  it('down is reported once: a later fail() by the owner (its ack timer) adds nothing, and fail() after dispose() reports nothing', async () => {
    const { url, peers } = await server();
    const dropped = generation(url);
    const disposed = generation(url);
    await waitUntil(() => dropped.seen.open === 1 && disposed.seen.open === 1 && peers.length === 2, 'both open');
    const ackTimeout = { reason: 'no subscribe ack within 10000 ms', auth: false, immediate: false };

    dropped.g.fail({ reason: 'watchdog', auth: false, immediate: false });
    dropped.g.fail(ackTimeout);
    expect(dropped.seen.downs.map((d) => d.reason)).toEqual(['watchdog']);

    await disposed.g.dispose();
    disposed.g.fail(ackTimeout);
    expect(disposed.seen.downs).toEqual([]);
    // Disposing again is harmless and resolves at once.
    await disposed.g.dispose();
    expect(disposed.g.listenerCount()).toBe(0);
  });
});
