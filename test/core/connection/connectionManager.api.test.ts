/**
 * The engine's own calls around the connection, as a caller sees them: its state
 * before start, a listener that throws, dispose, untrack, nudge, setServer,
 * followed batches and the timers it reports. The reference server and the relay
 * run for real on loopback; the engine's clock is fake where timers matter.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectionManager, type ConnectionManagerOptions } from '../../../src/core/connection/ConnectionManager';
import { IntakeTransport } from '../../../src/core/connection/intakeTransport';
import type { BatchProgress } from '../../../src/core/connection/transport';
import { createNetwork } from '../../../src/core/network/network';
import type { ConnectionState } from '../../../src/shared/connectionState';
import { SOCKETIO_EVENTS, SOCKETIO_ROOMS } from '../../../src/shared/dialect';
import { FakeClock } from '../../support/fakeClock';
import { startServer } from '../../support/referenceServer';
import { startWsRelay, type WsRelay } from '../../support/wsRelay';
import { uploadDialectJob } from './dialectUploads';
import { uploadJob, uploadJobs } from './uploadJobs';
import { waitUntil } from './waitUntil';
import { recordingLogger } from '../../support/recordingLogger';

/** Intake dialect through a relay, on a fake clock (backoff and polling move only when the test says so). */
async function intakeRig(options: { token?: string } = {}) {
  const server = await startServer({ phaseMs: 60_000, ...(options.token !== undefined && { token: options.token }) });
  const relay = await startWsRelay({ target: () => server.wsUrl });
  onTestFinished(() => relay.close());
  const clock = new FakeClock();
  const target = { baseUrl: server.url, wsUrl: relay.url };
  const make = (extra: Partial<ConnectionManagerOptions> = {}) => {
    const m = new ConnectionManager({ ...target, clock, random: () => 0.5, ...extra });
    onTestFinished(() => m.dispose());
    const states: ConnectionState[] = [];
    m.onState((s) => states.push(s));
    return { m, states };
  };
  return { server, relay, clock, target, make };
}

/** One job tracked on a started engine whose socket upgrades the relay refuses (503): it polls. */
async function pollingOneJob(chartNumber: string) {
  const { server, relay, clock, make } = await intakeRig();
  const job = await uploadJob(server.url, chartNumber);
  relay.setRefuseUpgrades(503);
  const { m } = make();
  m.track(job.jobId, { chartNumber: job.chartNumber });
  m.start();
  await waitUntil(() => m.state.state === 'polling', 'polling while the socket is refused');
  return { relay, clock, m, job };
}

async function connected(m: ConnectionManager, relay: WsRelay, connections: number): Promise<void> {
  await waitUntil(() => m.state.state === 'connected' && relay.stats.connections >= connections, `connection #${connections}`);
}

describe('before start, and dispose', () => {
  it('a new engine is stopped ("not started"), knows no job, and a nudge or dispose before start opens nothing', async () => {
    const { relay, clock, make } = await intakeRig();
    const { m, states } = make();
    expect(m.state).toEqual({ state: 'stopped', reason: 'not started' });
    expect(m.job('nobody')).toBeUndefined();
    m.nudge();
    m.untrack('nobody');
    await m.dispose();
    expect(m.currentGeneration).toBeNull();
    expect(m.state).toEqual({ state: 'stopped', reason: 'not started' });
    expect(states).toEqual([]);
    expect(clock.pending).toBe(0);
    // Still startable after a dispose that had nothing to stop.
    m.start();
    await connected(m, relay, 1);
    expect(relay.stats.upgradeAttempts).toBe(1);
  });

  it('dispose() twice says stopped once; after it a nudge opens nothing, and start() connects again', async () => {
    const { relay, clock, make } = await intakeRig();
    const { m, states } = make();
    m.start();
    await connected(m, relay, 1);
    await m.dispose();
    await m.dispose();
    expect(states.filter((s) => s.state === 'stopped')).toEqual([{ state: 'stopped', reason: 'stopped' }]);
    expect(clock.pending).toBe(0);
    m.nudge();
    expect(m.state.state).toBe('stopped');
    expect(m.currentGeneration).toBeNull();
    m.start();
    await connected(m, relay, 2);
  });

  it('dispose() while waiting to reconnect stops too: state stopped, no timer left', async () => {
    const { relay, clock, make } = await intakeRig();
    relay.setRefuseUpgrades(503);
    const { m } = make();
    m.start();
    await waitUntil(() => m.state.state === 'reconnecting', 'first attempt refused');
    expect(clock.pending).toBe(1);
    await m.dispose();
    expect(m.state).toEqual({ state: 'stopped', reason: 'stopped' });
    expect(clock.pending).toBe(0);
    expect(m.pendingTimers).toBe(0);
  });
});

describe('start', () => {
  it('start() while already running changes nothing: a refused token is not tried again', async () => {
    const { relay, make } = await intakeRig({ token: 'right' });
    const { m, states } = make({ token: 'wrong' });
    m.start();
    await waitUntil(() => m.state.state === 'auth_failed', 'auth_failed');
    const eventsBefore = states.length;
    m.start();
    expect(m.currentGeneration).toBeNull();
    expect(m.state.state).toBe('auth_failed');
    expect(states.length).toBe(eventsBefore);
    expect(relay.stats.upgradeAttempts).toBe(1);
  });

  it('a job added while the socket is down is polled at once: polling, because a job was added', async () => {
    const { server, relay, clock, make } = await intakeRig();
    const job = await uploadJob(server.url, 'ADDED-1');
    relay.setRefuseUpgrades(503);
    const { m } = make();
    m.start();
    await waitUntil(() => m.state.state === 'reconnecting', 'first attempt refused');
    m.track(job.jobId, { chartNumber: job.chartNumber });
    expect(m.state).toMatchObject({ state: 'polling', reason: 'a job was added' });
    // The poller's first look is due now.
    expect(clock.pendingDelays()[0]).toBe(0);
  });
});

describe('listeners', () => {
  it('a listener that throws is logged with its message, and the other listeners still get the event', async () => {
    const { make } = await intakeRig();
    const { logger, lines: entries } = recordingLogger();
    const { m } = make({ logger });
    const seen: string[] = [];
    m.onState(() => {
      throw new Error('state listener broke');
    });
    m.onState(() => {
      throw 'plain words';
    });
    m.onState((s) => seen.push(s.state));
    m.start();
    expect(seen).toEqual(['connecting']);
    const errors = entries.filter((e) => e.level === 'error');
    expect(errors.map((e) => e.fields)).toEqual([{ error: 'state listener broke' }, { error: 'plain words' }]);
    for (const e of errors) expect(e.message).toMatch(/listener threw/);
  });
});

describe('untrack', () => {
  it('untrack() of a subscribed job unsubscribes it on the open socket and forgets it; an unknown job changes nothing', async () => {
    const { server, relay, make } = await intakeRig();
    const [a, b, c] = await uploadJobs(server.url, ['UN-1', 'UN-2', 'UN-3']);
    const { m, states } = make();
    m.track(a!.jobId, { chartNumber: a!.chartNumber });
    m.track(b!.jobId, { chartNumber: b!.chartNumber });
    m.start();
    await connected(m, relay, 1);
    await waitUntil(() => [a!, b!].every((j) => typeof m.job(j.jobId)?.seq === 'number'), 'both subscribed and acked');
    const eventsBefore = states.length;
    m.untrack('nobody');
    m.untrack(a!.jobId);
    m.untrack(a!.jobId);
    expect(m.job(a!.jobId)).toBeUndefined();
    expect(m.job(b!.jobId)).toBeDefined();
    // Barrier: a subscribe sent after the untracks reaches the relay after anything they sent.
    m.track(c!.jobId, { chartNumber: c!.chartNumber });
    await waitUntil(() => relay.stats.subscribes === 3, 'the third subscribe');
    expect(relay.stats.unsubscribes).toBe(1);
    expect(states.length).toBe(eventsBefore);
    expect(m.state.state).toBe('connected');
  });

  it('untracking the last open job while polling stops the polling: reconnecting, because a job was removed', async () => {
    const { clock, m, job } = await pollingOneJob('UNPOLL-1');
    // The reconnect timer and the poller's tick.
    expect(clock.pending).toBe(2);
    m.untrack(job.jobId);
    expect(m.state).toMatchObject({ state: 'reconnecting', reason: 'a job was removed' });
    expect(clock.pending).toBe(1);
    expect(m.job(job.jobId)).toBeUndefined();
  });
});

describe('nudge', () => {
  it('nudge() while waiting for the backoff connects at once and says why', async () => {
    const { relay, clock, make } = await intakeRig();
    relay.setRefuseUpgrades(503);
    const { m } = make();
    m.start();
    await waitUntil(() => m.state.state === 'reconnecting', 'first attempt refused');
    relay.setRefuseUpgrades(null);
    const now = clock.now();
    m.nudge();
    expect(m.state).toMatchObject({ state: 'connecting', reason: 'nudged while waiting to reconnect' });
    await connected(m, relay, 1);
    expect(clock.now()).toBe(now);
  });
});

describe('setServer', () => {
  it('the same target again changes nothing: same socket, no state event', async () => {
    const { relay, target, make } = await intakeRig();
    const { m, states } = make({ token: 'tok' });
    m.start();
    await connected(m, relay, 1);
    const generation = m.currentGeneration;
    const eventsBefore = states.length;
    m.setServer({ ...target, token: 'tok' });
    expect(m.currentGeneration).toBe(generation);
    expect(states.length).toBe(eventsBefore);
    expect(m.state.state).toBe('connected');
    expect(relay.stats.upgradeAttempts).toBe(1);
  });

  it('a new token reconnects, saying the token changed', async () => {
    const { relay, target, make } = await intakeRig();
    const { m } = make({ token: 'old' });
    m.start();
    await connected(m, relay, 1);
    m.setServer({ ...target, token: 'new' });
    expect(m.state).toEqual({ state: 'connecting', reason: 'token changed' });
    await connected(m, relay, 2);
  });

  it('other network settings alone reconnect, saying so', async () => {
    const { relay, target, make } = await intakeRig();
    const { m } = make();
    m.start();
    await connected(m, relay, 1);
    const network = createNetwork();
    onTestFinished(() => network.close());
    m.setServer({ ...target, network });
    expect(m.state).toEqual({ state: 'connecting', reason: 'network settings changed' });
    await connected(m, relay, 2);
  });

  it('another REST base alone (same socket URL) reconnects, saying the server changed', async () => {
    const { relay, target, make } = await intakeRig();
    const other = await startServer({ phaseMs: 60_000 });
    const { m } = make();
    m.start();
    await connected(m, relay, 1);
    m.setServer({ ...target, baseUrl: other.url });
    expect(m.state).toEqual({ state: 'connecting', reason: 'server changed' });
    await connected(m, relay, 2);
  });

  it('the same target after its token was refused is tried again', async () => {
    const { relay, target, make } = await intakeRig({ token: 'right' });
    const { m } = make({ token: 'wrong' });
    m.start();
    await waitUntil(() => m.state.state === 'auth_failed', 'auth_failed');
    expect(relay.stats.upgradeAttempts).toBe(1);
    m.setServer({ ...target, token: 'wrong' });
    expect(m.state.state).toBe('connecting');
    await waitUntil(() => m.state.state === 'auth_failed' && relay.stats.upgradeAttempts === 2, 'refused again');
  });
});

describe('timers', () => {
  it('pendingTimers counts every timer the engine holds: its own, the REST poller’s and the socket’s', async () => {
    const { relay, clock, m } = await pollingOneJob('TIMERS-1');
    // Down: the reconnect timer (engine) and the poller's tick (REST fallback).
    expect(clock.pending).toBe(2);
    expect(m.pendingTimers).toBe(2);
    relay.setRefuseUpgrades(null);
    const state = m.state as Extract<ConnectionState, { state: 'polling' }>;
    clock.advance(state.nextTryAt - clock.now());
    await connected(m, relay, 1);
    // Up: only the socket's timers (watchdog, healthy, ...), none of the engine's or the poller's.
    expect(m.currentGeneration).toBeInstanceOf(IntakeTransport);
    expect(m.currentGeneration!.timers.size).toBeGreaterThan(0);
    expect(m.pendingTimers).toBe(clock.pending);
    expect(m.pendingTimers).toBe(m.currentGeneration!.timers.size);
  });
});

describe('batches and dialects (socketio-events server)', () => {
  const FAST = { backoffBaseMs: 20, backoffCapMs: 200, healthyAfterMs: 500, pollIntervalMs: 100, pollMaxRequestsPerSecond: 50, assumeJoinAfterMs: 200 };

  async function eventsRig() {
    const server = await startServer({ phaseMs: 60_000, dialect: SOCKETIO_EVENTS });
    const make = (extra: Partial<ConnectionManagerOptions> = {}) => {
      const m = new ConnectionManager({ baseUrl: server.url, dialect: SOCKETIO_EVENTS, timings: FAST, ...extra });
      onTestFinished(() => m.dispose());
      const batches: BatchProgress[] = [];
      m.onBatch((batch) => batches.push(batch));
      return { m, batches };
    };
    return { server, make };
  }

  const of = (batches: BatchProgress[], batchId: string): BatchProgress[] => batches.filter((b) => b.batchId === batchId);

  it('followBatch() while connected subscribes at once; following the same batch again sends nothing more', async () => {
    const { server, make } = await eventsRig();
    await uploadDialectJob(server.url, SOCKETIO_EVENTS, 'FB-1', { batchId: 'drop-a' });
    await uploadDialectJob(server.url, SOCKETIO_EVENTS, 'FB-2', { batchId: 'drop-b' });
    const { m, batches } = make();
    m.start();
    await waitUntil(() => m.state.state === 'connected', 'connected');
    m.followBatch('drop-a');
    await waitUntil(() => of(batches, 'drop-a').length === 1, 'drop-a progress (the server answers a batch subscribe with it)');
    m.followBatch('drop-a');
    // Barrier: drop-b's answer comes after anything a second drop-a subscribe would have brought.
    m.followBatch('drop-b');
    await waitUntil(() => of(batches, 'drop-b').length === 1, 'drop-b progress');
    expect(of(batches, 'drop-a')).toHaveLength(1);
    expect(of(batches, 'drop-a')[0]).toMatchObject({ batchId: 'drop-a', total: 1 });
  });

  it('track() with a batchId follows that batch on a dialect with batch subscriptions', async () => {
    const { server, make } = await eventsRig();
    const job = await uploadDialectJob(server.url, SOCKETIO_EVENTS, 'TB-1', { batchId: 'drop-c' });
    const { m, batches } = make();
    m.start();
    await waitUntil(() => m.state.state === 'connected', 'connected');
    m.track(job.jobId, { chartNumber: job.chartNumber, batchId: 'drop-c' });
    await waitUntil(() => of(batches, 'drop-c').length === 1, 'drop-c progress');
    expect(batches.at(-1)).toMatchObject({ batchId: 'drop-c', total: 1 });
  });

  it('track() without a batchId asks the server for no batch (nothing it would refuse)', async () => {
    const { server, make } = await eventsRig();
    const job = await uploadDialectJob(server.url, SOCKETIO_EVENTS, 'NB-1');
    const { logger, lines: entries } = recordingLogger();
    const { m, batches } = make({ logger });
    m.start();
    await waitUntil(() => m.state.state === 'connected', 'connected');
    m.track(job.jobId, { chartNumber: job.chartNumber });
    // The job's ack comes after the answer to anything sent before its subscribe.
    await waitUntil(() => typeof m.job(job.jobId)?.timestamp === 'string', 'the job subscribed and acked');
    expect(entries.filter((e) => e.level === 'warn')).toEqual([]);
    expect(batches).toEqual([]);
  });

  it('a dialect change alone (same URLs) reconnects in the new dialect, saying the server changed', async () => {
    const { server, make } = await eventsRig();
    await uploadDialectJob(server.url, SOCKETIO_EVENTS, 'DC-1', { batchId: 'drop-d' });
    const target = { baseUrl: server.url, wsUrl: server.socketIoUrl! };
    const { m, batches } = make({ ...target, dialect: SOCKETIO_ROOMS });
    m.start();
    await waitUntil(() => m.state.state === 'connected', 'connected speaking socketio-rooms');
    m.setServer({ ...target, dialect: SOCKETIO_EVENTS });
    expect(m.state).toEqual({ state: 'connecting', reason: 'server changed' });
    await waitUntil(() => m.state.state === 'connected', 'connected again');
    expect(server.stats.wsConnections).toBe(2);
    // Batches exist only in the new dialect: their progress arriving shows it is the one spoken.
    m.followBatch('drop-d');
    await waitUntil(() => of(batches, 'drop-d').length === 1, 'drop-d progress');
  });
});
