/**
 * The timing rules with fake time and real sockets: the engine's Clock is a
 * FakeClock that only moves when the test says so, while the reference
 * server and the relay run for real on loopback.
 */
import net, { type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectionManager, type ConnectionManagerOptions } from '../../../src/core/connection/ConnectionManager';
import { IntakeTransport } from '../../../src/core/connection/intakeTransport';
import type { SocketGeneration } from '../../../src/core/connection/socketGeneration';
import type { ConnectionState } from '../../../src/shared/connectionState';
import { FakeClock } from '../../support/fakeClock';
import { startServer } from '../../support/referenceServer';
import { startWsRelay, type WsRelay } from '../../support/wsRelay';
import { uploadJob } from './uploadJobs';
import { waitUntil } from './waitUntil';

async function setup(options: { token?: string; random?: () => number; phaseMs?: number } = {}) {
  const server = await startServer({ phaseMs: options.phaseMs ?? 60_000, ...(options.token !== undefined && { token: options.token }) });
  const relay = await startWsRelay({ target: () => server.wsUrl });
  onTestFinished(() => relay.close());
  const clock = new FakeClock();
  const make = (extra: Partial<ConnectionManagerOptions> = {}) => {
    const m = new ConnectionManager({ baseUrl: server.url, wsUrl: relay.url, clock, random: options.random ?? (() => 0.5), ...extra });
    onTestFinished(() => m.dispose());
    const states: ConnectionState[] = [];
    m.onState((s) => states.push(s));
    return { m, states };
  };
  return { server, relay, clock, make };
}

async function connected(m: ConnectionManager, relay: WsRelay, connections: number): Promise<void> {
  await waitUntil(() => m.state.state === 'connected' && relay.stats.connections >= connections, `connection #${connections}`);
}

/** The intake transport's WebSocket generation (these rules are the intake dialect's). */
function socketOf(transport: ConnectionManager['currentGeneration']): SocketGeneration {
  if (!(transport instanceof IntakeTransport)) throw new Error('expected the intake transport');
  return transport.generation;
}

/** Let real I/O that fake time may have triggered happen (a socket closing, a connect starting). */
async function ioTurn(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('timing rules (fake clock, real sockets)', () => {
  it('watchdog: 45 s with no frame and no ping terminates a silent connection and reconnects', async () => {
    const { relay, clock, make } = await setup({ random: () => 0.5 });
    const { m } = make();
    m.start();
    await connected(m, relay, 1);
    const first = m.currentGeneration;
    relay.silenceAll();
    clock.advance(44_999);
    await ioTurn();
    expect(m.currentGeneration).toBe(first);
    expect(m.state.state).toBe('connected');
    clock.advance(1);
    expect(m.currentGeneration).toBeNull();
    expect(m.state.state).toBe('reconnecting');
    // random() = 0.5, attempt 0: random(0, 1 s) = 500 ms.
    expect(clock.pendingDelays()).toEqual([500]);
    clock.advance(500);
    await connected(m, relay, 2);
    expect(m.currentGeneration).not.toBe(first);
    await first!.dispose(); // resolves once the old socket is closed
    const socket = socketOf(first);
    expect(socket.socketClosed).toBe(true);
    expect(socket.listenerCount()).toBe(0);
  });

  it('nudge() after a silent half-open connection reconnects within 5 s of fake time', async () => {
    const { relay, clock, make } = await setup({ random: () => 0.99 });
    const { m } = make();
    m.start();
    await connected(m, relay, 1);
    relay.silenceAll();
    m.nudge();
    clock.advance(4_999);
    await ioTurn();
    expect(relay.stats.connections).toBe(1);
    expect(m.state.state).toBe('connected');
    clock.advance(1);
    // No backoff wait: the new attempt starts at once, before any further fake time.
    await connected(m, relay, 2);
    expect(clock.now() - new FakeClock().now()).toBe(4_999 + 1);
  });

  it('nudge() on a live connection only pings: the pong keeps it', async () => {
    const { relay, clock, make } = await setup();
    const { m } = make();
    m.start();
    await connected(m, relay, 1);
    const generation = m.currentGeneration!;
    m.nudge();
    expect(generation.timers.has('probe')).toBe(true);
    await waitUntil(() => !generation.timers.has('probe'), 'pong clears the probe');
    clock.advance(5_000);
    await ioTurn();
    expect(m.currentGeneration).toBe(generation);
    expect(relay.stats.connections).toBe(1);
  });

  it('nudge() while waiting for the backoff connects at once', async () => {
    const { relay, clock, make } = await setup({ random: () => 0.99 });
    const { m } = make();
    relay.setRefuseUpgrades(503);
    m.start();
    await waitUntil(() => m.state.state === 'reconnecting', 'first attempt refused');
    relay.setRefuseUpgrades(null);
    expect(clock.pendingDelays()[0]).toBeGreaterThan(900);
    m.nudge();
    await connected(m, relay, 1);
  });

  it('full-jitter envelope per attempt, and the attempt counter resets only after 10 s healthy', async () => {
    const { relay, clock, make } = await setup({ random: () => 0.999 });
    const { m, states } = make();
    relay.setRefuseUpgrades(503);
    m.start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      await waitUntil(() => m.state.state === 'reconnecting' && m.currentGeneration === null, `failure ${i + 1}`);
      const state = m.state as Extract<ConnectionState, { state: 'reconnecting' }>;
      delays.push(state.nextTryAt - clock.now());
      clock.advance(state.nextTryAt - clock.now());
    }
    expect(delays).toEqual([999, 1_998, 3_996, 7_992, 9_990, 9_990]);
    relay.setRefuseUpgrades(null);
    await connected(m, relay, 1);

    // Up for 9.999 s only: the next failure still backs off at the cap.
    clock.advance(9_999);
    relay.dropAll();
    await waitUntil(() => m.state.state === 'reconnecting', 'dropped after 9.999 s');
    let state = m.state as Extract<ConnectionState, { state: 'reconnecting' }>;
    expect(state.nextTryAt - clock.now()).toBe(9_990);
    clock.advance(9_990);
    await connected(m, relay, 2);

    // Up for 10 s: the counter is reset and the next delay is back to random(0, 1 s).
    clock.advance(10_000);
    relay.dropAll();
    await waitUntil(() => m.state.state === 'reconnecting', 'dropped after 10 s');
    state = m.state as Extract<ConnectionState, { state: 'reconnecting' }>;
    expect(state.nextTryAt - clock.now()).toBe(999);
    expect(state.attempt).toBe(1);
    expect(states.every((s) => s.reason.length > 0)).toBe(true);
  });

  it('a batch of subscribes without acks for 10 s ends the socket; the next socket subscribes again', async () => {
    const { server, relay, clock, make } = await setup({ random: () => 0.5 });
    const job = await uploadJob(server.url, 'ACK-1');
    relay.setFrameFilter((frame) => frame.type !== 'subscribed');
    const { m } = make();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    m.start();
    await connected(m, relay, 1);
    await waitUntil(() => relay.stats.subscribes === 1, 'subscribe sent');
    const first = m.currentGeneration;
    clock.advance(9_999);
    await ioTurn();
    expect(m.currentGeneration).toBe(first);
    expect(relay.stats.subscribes).toBe(1);
    clock.advance(1);
    expect(m.currentGeneration).toBeNull();
    expect(m.state.reason).toMatch(/no subscribe ack/);
    relay.setFrameFilter(null);
    clock.advance(500);
    await connected(m, relay, 2);
    await waitUntil(() => relay.stats.subscribes === 2, 'subscribed again on the new socket');
    expect(relay.stats.doubleSubscribes).toBe(0);
  });

  it('connect timeout: an attempt that never opens is abandoned after 10 s', async () => {
    const { clock, make } = await setup();
    // A TCP listener that accepts and never answers the upgrade.
    const sockets = new Set<Socket>();
    const mute = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    onTestFinished(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => mute.close(resolve));
    });
    const port = (mute.address() as AddressInfo).port;
    const { m } = make({ wsUrl: `ws://127.0.0.1:${port}/api/ws` });
    m.start();
    await waitUntil(() => sockets.size === 1, 'upgrade request reached the mute server');
    // One connect attempt at a time: nudges while connecting open nothing new.
    for (let i = 0; i < 5; i += 1) m.nudge();
    await ioTurn();
    expect(sockets.size).toBe(1);
    clock.advance(9_999);
    expect(m.state.state).toBe('connecting');
    clock.advance(1);
    expect(m.state.state).toBe('reconnecting');
    expect(m.state.reason).toMatch(/timed out/);
  });

  it('auth failure stops retries over a long fake interval and recovers after the token is replaced', async () => {
    const { server, relay, clock, make } = await setup({ token: 'right-token', phaseMs: 20 });
    const job = await uploadJob(server.url, 'AUTH-1', 'right-token');
    const { m, states } = make({ token: 'wrong-token' });
    m.track(job.jobId, { chartNumber: job.chartNumber });
    m.start();
    await waitUntil(() => m.state.state === 'auth_failed', 'auth_failed');
    const attempts = relay.stats.upgradeAttempts;
    expect(attempts).toBe(1);
    for (let i = 0; i < 60; i += 1) {
      clock.advance(10_000);
      m.nudge();
    }
    await ioTurn();
    expect(relay.stats.upgradeAttempts).toBe(attempts);
    expect(clock.pending).toBe(0);
    expect(m.stats.httpRequests).toBe(0);
    expect(m.state.state).toBe('auth_failed');
    expect(states.filter((s) => s.state === 'auth_failed')).toHaveLength(1);

    m.setServer({ baseUrl: server.url, wsUrl: relay.url, token: 'right-token' });
    await connected(m, relay, 1);
    await waitUntil(() => m.job(job.jobId)?.status === 'completed', 'job completed after the token was fixed');
  });

  it('a REST 401 while polling is an auth failure too', async () => {
    const { server, relay, clock, make } = await setup({ token: 'right-token' });
    const job = await uploadJob(server.url, 'AUTH-2', 'right-token');
    relay.setRefuseUpgrades(404);
    const { m } = make({ token: 'wrong-token' });
    m.track(job.jobId, { chartNumber: job.chartNumber });
    m.start();
    await waitUntil(() => m.state.state === 'polling', 'polling after the endpoint refused');
    clock.advance(1);
    await waitUntil(() => m.state.state === 'auth_failed', 'REST 401 → auth_failed');
    expect(m.stats.httpRequests).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('after 100 connect/drop cycles no timer, listener or socket is left over', async () => {
    const { server, relay, clock, make } = await setup({ random: () => 0 });
    const job = await uploadJob(server.url, 'CYCLE-1');
    const { m } = make();
    let jobEvents = 0;
    m.onJob(() => (jobEvents += 1));
    m.track(job.jobId, { chartNumber: job.chartNumber });
    m.start();
    const generations: SocketGeneration[] = [];
    for (let cycle = 1; cycle <= 100; cycle += 1) {
      await connected(m, relay, cycle);
      generations.push(socketOf(m.currentGeneration));
      // Timers of a connected generation: watchdog, healthy (+ ack while a batch waits).
      expect(m.pendingTimers).toBeLessThanOrEqual(3);
      relay.dropAll();
      await waitUntil(() => m.currentGeneration === null, `drop ${cycle} seen`);
      // Down: the reconnect timer and the poller's tick, nothing else.
      expect(m.pendingTimers).toBeLessThanOrEqual(2);
      clock.advance(0);
    }
    await connected(m, relay, 101);
    generations.push(socketOf(m.currentGeneration));
    await m.dispose();
    expect(m.state.state).toBe('stopped');
    expect(clock.pending).toBe(0);
    expect(m.pendingTimers).toBe(0);
    await waitUntil(() => generations.every((g) => g.socketClosed), 'every old socket closed');
    expect(generations.map((g) => g.listenerCount()).filter((n) => n > 0)).toEqual([]);
    expect(new Set(generations).size).toBe(101);
    await waitUntil(() => relay.openConnections === 0, 'relay sees no open connection');
    expect(relay.stats.doubleSubscribes).toBe(0);
    expect(m.stats.reconnects).toBe(100);
  });
});
