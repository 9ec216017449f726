/**
 * One socket generation in isolation, against a throwaway ws server: events
 * while alive, nothing at all once disposed, and upgrade refusals typed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { SocketGeneration, type DownReason, type GenerationEvents } from '../../../src/core/connection/socketGeneration';
import { DEFAULT_CONNECTION_TIMINGS } from '../../../src/core/connection/timings';
import { FakeClock } from '../../support/fakeClock';
import { waitUntil } from './waitUntil';
import { defaultNetwork } from '../../../src/core/network/network';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(refuseWith?: number, options: { autoPong?: boolean } = {}): Promise<{ url: string; peers: WebSocket[] }> {
  const peers: WebSocket[] = [];
  const wss = new WebSocketServer({ noServer: true, ...options });
  const httpServer = http.createServer();
  httpServer.on('upgrade', (req, socket, head) => {
    if (refuseWith !== undefined) {
      socket.end(`HTTP/1.1 ${refuseWith} No\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => peers.push(ws));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const peer of peers) peer.terminate();
    wss.close();
    httpServer.closeAllConnections();
    await new Promise((resolve) => httpServer.close(resolve));
  });
  return { url: `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/api/ws`, peers };
}

function generation(url: string, clock = new FakeClock()) {
  const seen = { open: 0, messages: [] as string[], downs: [] as DownReason[], healthy: 0 };
  const events: GenerationEvents = {
    open: () => void (seen.open += 1),
    message: (_g, data) => void seen.messages.push(data.toString()),
    down: (_g, why) => void seen.downs.push(why),
    healthy: () => void (seen.healthy += 1),
  };
  const g = new SocketGeneration({ id: 1, url, token: 'tok', network: defaultNetwork(), clock, timings: DEFAULT_CONNECTION_TIMINGS, events });
  cleanups.push(() => g.dispose());
  return { g, seen, clock };
}

describe('SocketGeneration', () => {
  it('delivers open and frames while alive, and nothing once disposed', async () => {
    const { url, peers } = await server();
    const { g, seen, clock } = generation(url);
    await waitUntil(() => seen.open === 1 && peers.length === 1, 'open');
    peers[0]!.send('{"type":"unsubscribed","jobId":"a","timestamp":"t"}');
    await waitUntil(() => seen.messages.length === 1, 'one frame');
    clock.advance(10_000);
    expect(seen.healthy).toBe(1);

    await g.dispose();
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

  it.each([
    [401, true],
    [403, true],
    [404, false],
    [503, false],
  ])('an upgrade refused with %i is typed (auth: %s)', async (status, auth) => {
    const { url } = await server(status);
    const { g, seen } = generation(url);
    await waitUntil(() => seen.downs.length === 1, 'refused');
    expect(seen.downs[0]).toMatchObject({ auth });
    expect(seen.downs[0]!.reason).toContain(String(status));
    await g.dispose();
    expect(g.listenerCount()).toBe(0);
  });
});
