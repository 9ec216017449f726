/**
 * The engine's connection lifecycle as the user and the operator see it:
 * what the indicator shows between attempts ("next try in N s, attempt n",
 * the step that failed), which changes are new states and which are not,
 * what the log says, the counters operators read, and the engine's own
 * guards (a late event of a replaced socket, a listener that stops the
 * engine from its callback). Fake time where the rule is about time; real
 * sockets throughout (throwaway peers of generationRig, the reference server).
 */
import { describe, expect, it, vi } from 'vitest';
import { ConnectionManager, type ConnectionManagerOptions } from '../../../src/core/connection/ConnectionManager';
import { IntakeTransport } from '../../../src/core/connection/intakeTransport';
import type { Transport, TransportEvents } from '../../../src/core/connection/transport';
import type * as OpenTransportModule from '../../../src/core/connection/openTransport';
import type { ConnectionState } from '../../../src/shared/connectionState';
import type { ServerJobState } from '../../../src/shared/jobState';
import { SOCKETIO_ROOMS } from '../../../src/shared/dialect';
import { FakeClock } from '../../support/fakeClock';
import { startServer } from '../../support/referenceServer';
import { startWsRelay } from '../../support/wsRelay';
import { useGenerationRig } from './generationRig';
import { uploadJob } from './uploadJobs';
import { waitUntil } from './waitUntil';
import { uploadDialectJob } from './dialectUploads';
import { recordingLogger, type LogEntry } from '../../support/recordingLogger';

/** Every transport the engine opened, with the events object it handed over (to replay a late event of an old one). */
const opened = vi.hoisted(() => [] as Array<{ transport: Transport; events: TransportEvents }>);

vi.mock('../../../src/core/connection/openTransport', async (importOriginal) => {
  const real = await importOriginal<typeof OpenTransportModule>();
  return {
    ...real,
    openTransport: (options: Parameters<typeof real.openTransport>[0]) => {
      const transport = real.openTransport(options);
      opened.push({ transport, events: options.events });
      return transport;
    },
  };
});

const { defer, server, rawServer, muteServer, closedPort } = useGenerationRig();


/** A manager disposed after the test, with every state it emitted and everything it logged. */
function manager(options: ConnectionManagerOptions) {
  opened.length = 0;
  const log = recordingLogger();
  const m = new ConnectionManager({ logger: log.logger, ...options });
  defer(() => m.dispose());
  const states: ConnectionState[] = [];
  m.onState((s) => states.push(s));
  const updates: ServerJobState[] = [];
  m.onJob((job) => updates.push(job));
  return { m, states, updates, log: log.lines };
}

/** The operator's "connection state" lines, as written. */
function stateLines(log: LogEntry[]): LogEntry[] {
  return log.filter((entry) => entry.message === 'connection state');
}

/** Uncaught exceptions and unhandled rejections while the test runs (a throw inside a socket or timer callback). */
function processErrors(): unknown[] {
  const seen: unknown[] = [];
  const note = (error: unknown): void => void seen.push(error);
  process.on('uncaughtException', note);
  process.on('unhandledRejection', note);
  defer(() => {
    process.off('uncaughtException', note);
    process.off('unhandledRejection', note);
  });
  return seen;
}

async function unusedBaseUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}/api`;
}

describe('what the indicator shows between attempts', () => {
  it('a WebSocket URL ws cannot use: each attempt fails at once, is logged, and each new try or attempt number is a new state', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    let draw = 0.5;
    const { m, states, log } = manager({ baseUrl: await unusedBaseUrl(), wsUrl: 'ftp://127.0.0.1/nope', clock, random: () => draw });
    m.start();
    // random() = 0.5: attempt 0 waits 500 ms, attempt 1 waits 1 s.
    clock.advance(500);
    draw = 0;
    // Nudged twice with no wait drawn: the same "next try" (now), yet attempts 3 and 4 are news.
    m.nudge();
    m.nudge();
    const reason = 'the WebSocket URL cannot be used';
    expect(states).toEqual([
      { state: 'reconnecting', reason, nextTryAt: t0 + 500, attempt: 1 },
      { state: 'reconnecting', reason, nextTryAt: t0 + 1_500, attempt: 2 },
      { state: 'reconnecting', reason, nextTryAt: t0 + 500, attempt: 3 },
      { state: 'reconnecting', reason, nextTryAt: t0 + 500, attempt: 4 },
    ]);
    expect(m.currentGeneration).toBeNull();
    const errors = log.filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(4);
    for (const entry of errors) expect(entry).toEqual({ level: 'error', message: 'cannot open the WebSocket', fields: { error: expect.stringMatching(/\S/) } });
    // One line for the operator: the state's name changed once.
    expect(stateLines(log)).toEqual([{ level: 'info', message: 'connection state', fields: { state: 'reconnecting', reason } }]);
  });

  it('an attempt that fails on the way names its step; a nudge ends the wait; another server drops the old step', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const [first, second] = [await muteServer(), await muteServer()];
    const baseUrl = await unusedBaseUrl();
    const { m, states, log } = manager({ baseUrl, wsUrl: first.url, clock, random: () => 0.5 });
    m.start();
    clock.advance(10_000);
    const timedOut = 'connect timed out after 10000 ms';
    const problem = { step: 'connect', message: `${first.host} did not answer within 10000 ms.` };
    expect(m.state).toEqual({ state: 'reconnecting', reason: timedOut, nextTryAt: t0 + 10_500, attempt: 1, problem });
    expect(clock.pendingDelays()).toEqual([500]);

    // The wait is over: the attempt starts now and no backoff timer is left to fire later.
    m.nudge();
    expect(clock.pendingDelays()).toEqual([10_000]);
    clock.advance(10_000);
    clock.advance(1_000);
    m.setServer({ baseUrl, wsUrl: second.url });
    expect(states).toEqual([
      { state: 'connecting', reason: 'starting' },
      { state: 'reconnecting', reason: timedOut, nextTryAt: t0 + 10_500, attempt: 1, problem },
      { state: 'connecting', reason: 'nudged while waiting to reconnect', problem },
      { state: 'reconnecting', reason: timedOut, nextTryAt: t0 + 21_000, attempt: 2, problem },
      { state: 'connecting', reason: 'reconnect attempt 2', problem },
      // Same name, but the failure belonged to the other server: the indicator must stop showing it.
      { state: 'connecting', reason: 'server changed' },
    ]);
    // A line per change of the state's name, not per state.
    expect(stateLines(log).map((entry) => entry.fields)).toEqual(states.slice(0, 5).map(({ state, reason }) => ({ state, reason })));
    // Each drop, with the failures before it.
    expect(log.filter((entry) => entry.message === 'connection lost')).toEqual([
      { level: 'info', message: 'connection lost', fields: { reason: timedOut, attempt: 0 } },
      { level: 'info', message: 'connection lost', fields: { reason: timedOut, attempt: 1 } },
    ]);
  });

  it('while polling, a try starting now and a new attempt are new states; a reason alone is not', async () => {
    const rest = await startServer({ phaseMs: 60_000 });
    const [a, b] = [await uploadJob(rest.url, 'POLL-A'), await uploadJob(rest.url, 'POLL-B')];
    const mute = await muteServer();
    const clock = new FakeClock();
    const t0 = clock.now();
    const { m, states, log } = manager({ baseUrl: rest.url, wsUrl: mute.url, clock, random: () => 0.5 });
    m.track(a.jobId, { chartNumber: a.chartNumber });
    m.track(b.jobId, { chartNumber: b.chartNumber });
    m.start();
    clock.advance(10_000);
    m.nudge();
    m.untrack(b.jobId);
    clock.advance(10_000);
    const timedOut = 'connect timed out after 10000 ms';
    const problem = { step: 'connect', message: `${mute.host} did not answer within 10000 ms.` };
    expect(states).toEqual([
      { state: 'connecting', reason: 'starting' },
      { state: 'polling', reason: timedOut, nextTryAt: t0 + 10_500, attempt: 1, problem },
      // The try is happening now: same attempt, another time.
      { state: 'polling', reason: 'nudged while waiting to reconnect', nextTryAt: t0 + 10_000, attempt: 1, problem },
      { state: 'polling', reason: timedOut, nextTryAt: t0 + 21_000, attempt: 2, problem },
    ]);
    expect(stateLines(log).map((entry) => entry.fields?.state)).toEqual(['connecting', 'polling']);
  });
});

describe('how a connection ends', () => {
  it('a nudge nobody answers reconnects at once, and the state says why', async () => {
    const peer = await server(undefined, { autoPong: false });
    const clock = new FakeClock();
    const { m, states } = manager({ baseUrl: await unusedBaseUrl(), wsUrl: peer.url, clock, random: () => 0.5 });
    m.start();
    await waitUntil(() => m.state.state === 'connected', 'connected');
    m.nudge();
    clock.advance(5_000);
    expect(m.state).toEqual({ state: 'connecting', reason: 'reconnecting at once: no pong within 5000 ms after nudge' });
    await waitUntil(() => m.state.state === 'connected' && peer.peers.length === 2, 'connected again');
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected', 'connecting', 'connected']);
    expect(m.stats.reconnects).toBe(1);
  });

  it('a frame beyond the socket limit ends the socket and is counted and logged as too_large', async () => {
    const raw = await rawServer();
    const { m, log } = manager({ baseUrl: await unusedBaseUrl(), wsUrl: raw.url, clock: new FakeClock() });
    m.start();
    await waitUntil(() => m.state.state === 'connected', 'connected');
    // A text frame announcing 16 MiB: ws refuses it from the header alone.
    raw.sockets[0]!.write(Buffer.from([0x81, 0x7f, 0, 0, 0, 0, 0x01, 0, 0, 0]));
    await waitUntil(() => m.state.state === 'reconnecting', 'the socket ended');
    expect(m.stats.badFrames).toBe(1);
    expect(log.filter((entry) => entry.message === 'dropped a bad frame')).toEqual([{ level: 'warn', message: 'dropped a bad frame', fields: { reason: 'too_large' } }]);
  });

  it('a refused token: auth_failed, and a warning that says what to do', async () => {
    const refusing = await server(401);
    const { m, log } = manager({ baseUrl: await unusedBaseUrl(), wsUrl: refusing.url, token: 'wrong', clock: new FakeClock() });
    m.start();
    await waitUntil(() => m.state.state === 'auth_failed', 'auth_failed');
    const reason = 'server refused the token (HTTP 401)';
    expect(m.state).toEqual({ state: 'auth_failed', reason });
    expect(log.filter((entry) => entry.level === 'warn')).toEqual([{ level: 'warn', message: 'authentication failed; waiting for a new token', fields: { reason } }]);
  });

  it('dispose() resolves only once the socket is closed', async () => {
    const peer = await server();
    const { m } = manager({ baseUrl: await unusedBaseUrl(), wsUrl: peer.url });
    m.start();
    await waitUntil(() => m.state.state === 'connected', 'connected');
    const transport = m.currentGeneration;
    if (!(transport instanceof IntakeTransport)) throw new Error('expected the intake transport');
    await m.dispose();
    expect(transport.generation.socketClosed).toBe(true);
  });
});

describe('updates', () => {
  it('counts duplicates, older frames and frames after the end apart; a completed job is unsubscribed', async () => {
    const backend = await server();
    const { m, updates } = manager({ baseUrl: await unusedBaseUrl(), wsUrl: backend.url, clock: new FakeClock() });
    m.start();
    await waitUntil(() => m.state.state === 'connected' && backend.peers.length === 1, 'connected');
    const peer = backend.peers[0]!;
    const received: Array<Record<string, unknown>> = [];
    peer.on('message', (data) => void received.push(JSON.parse(String(data)) as Record<string, unknown>));
    m.track('job-1', { chartNumber: 'STATS-1' });
    await waitUntil(() => received.some((f) => f.type === 'subscribe' && f.jobId === 'job-1'), 'subscribed');

    const at = (seq: number): string => new Date(Date.UTC(2026, 0, 1, 10, 0, seq)).toISOString();
    const frame = (seq: number, status: string, phase: string): string =>
      JSON.stringify({ type: 'status_update', jobId: 'job-1', status, phase, message: '', timestamp: at(seq), seq });
    peer.send(JSON.stringify({ type: 'subscribed', jobId: 'job-1', status: 'processing', phase: 'ocr_started', timestamp: at(2), seq: 2 }));
    peer.send(frame(2, 'processing', 'ocr_started')); // the same again
    peer.send(frame(1, 'processing', 'processing')); // older
    peer.send(frame(3, 'processing', 'ocr_completed'));
    peer.send(frame(4, 'completed', 'completed'));
    peer.send(frame(5, 'processing', 'ocr_started')); // after the end
    peer.send('not json'); // a barrier: counted once everything before it was read
    await waitUntil(() => m.stats.badFrames === 1, 'all frames read');

    expect(updates.map((u) => u.seq)).toEqual([2, 3, 4]);
    expect(m.stats.duplicatesDropped).toBe(1);
    expect(m.stats.staleDropped).toBe(2);
    await waitUntil(() => received.some((f) => f.type === 'unsubscribe'), 'unsubscribed');
    expect(received.filter((f) => f.type === 'unsubscribe')).toEqual([{ type: 'unsubscribe', jobId: 'job-1' }]);
  });

  it('a job the server retries after a final failure, seen in a REST read, is subscribed again on the open socket', async () => {
    const backend = await startServer({ phaseMs: 60_000 });
    const relay = await startWsRelay({ target: () => backend.wsUrl });
    defer(() => relay.close());
    relay.setStripSnapshots(true);
    const [failing, sibling] = [await uploadJob(backend.url, 'REOPEN-1'), await uploadJob(backend.url, 'REOPEN-1')];
    /** The server's state of a job, as remembered from an earlier run. */
    const remembered = (jobId: string, change: Partial<ServerJobState> = {}): ServerJobState => {
      const job = backend.jobs().find((j) => j.jobId === jobId)!;
      return {
        jobId, status: job.status, phase: job.phase, message: '', timestamp: new Date().toISOString(), seq: job.seq,
        attempt: null, maxAttempts: null, willRetry: false, phaseSeenAt: {}, ...change,
      };
    };
    const { m } = manager({ baseUrl: backend.url, wsUrl: relay.url });
    // Failed for good when the app last looked: not subscribed.
    m.track(failing.jobId, { chartNumber: failing.chartNumber }, remembered(failing.jobId, { status: 'failed', phase: 'failed' }));
    m.start();
    await waitUntil(() => m.state.state === 'connected', 'connected');
    backend.emitStatus!(failing.jobId, 'processing', 'ocr_started', 'retried by the server');

    // The other job of the chart, known as it is, acked without a snapshot: its REST read brings the retried
    // job along, and nothing new about itself.
    m.track(sibling.jobId, { chartNumber: sibling.chartNumber }, remembered(sibling.jobId));
    await waitUntil(() => m.job(failing.jobId)?.status === 'processing', 'the retry seen over REST');
    await waitUntil(() => relay.stats.subscribes === 2, 'the retried job subscribed on this socket', 5_000);
    backend.emitStatus!(failing.jobId, 'completed', 'completed', 'done');
    await waitUntil(() => m.job(failing.jobId)?.status === 'completed', 'its end arrived over the socket', 5_000);
    expect(relay.subscribeLog.map((s) => s.jobId)).toEqual([sibling.jobId, failing.jobId]);
  });

  it('while polling, jobs that end and a retry the server decides on are what the state shows, without an error', async () => {
    const errors = processErrors();
    const backend = await startServer({ phaseMs: 60_000, webSocket: false });
    // One chart: polling reads it for any job still open, and each answer carries both jobs.
    const [first, second] = [await uploadJob(backend.url, 'ENDS-1'), await uploadJob(backend.url, 'ENDS-1')];
    // One socket try only (the next is a minute away): every state after the first two comes from the jobs.
    const { m, states } = manager({
      baseUrl: backend.url,
      random: () => 0.99,
      timings: { backoffBaseMs: 60_000, backoffCapMs: 60_000, pollIntervalMs: 100, pollMaxRequestsPerSecond: 50 },
    });
    m.track(first.jobId, { chartNumber: first.chartNumber });
    m.track(second.jobId, { chartNumber: second.chartNumber });
    m.start();
    await waitUntil(() => m.state.state === 'polling' && m.job(second.jobId)?.seq !== null, 'polling');
    backend.emitStatus!(second.jobId, 'failed', 'failed', 'gave up');
    await waitUntil(() => m.job(second.jobId)?.status === 'failed', 'the failure polled');
    // In one answer: the first job completes, and the server retries the second.
    backend.emitStatus!(first.jobId, 'completed', 'completed', 'done');
    backend.emitStatus!(second.jobId, 'processing', 'ocr_started', 'retried by the server');
    await waitUntil(() => m.job(second.jobId)?.status === 'processing', 'the retry polled');
    backend.emitStatus!(second.jobId, 'failed', 'failed', 'gave up again');
    await waitUntil(() => m.state.state === 'reconnecting', 'nothing left to poll');
    expect(states.map((s) => [s.state, s.reason])).toEqual([
      ['connecting', 'starting'],
      ['polling', expect.stringContaining('refused')],
      // The second job had failed while the first was open: polling went on, nothing new to show.
      ['reconnecting', 'a job completed'],
      ['polling', 'a job was retried by the server'],
      ['reconnecting', 'a job failed'],
    ]);
    expect(errors).toEqual([]);
  });

  it('a join the server never acknowledges is taken as done after 5 s and read over REST (socketio-rooms)', async () => {
    const backend = await startServer({ phaseMs: 60_000, dialect: SOCKETIO_ROOMS });
    backend.setJoinAcks!(false);
    const job = await uploadDialectJob(backend.url, SOCKETIO_ROOMS, 'ASSUME-1');
    const clock = new FakeClock();
    const { m } = manager({ baseUrl: backend.url, dialect: SOCKETIO_ROOMS, clock });
    m.start();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => m.state.state === 'connected' && m.stats.subscribesSent === 1, 'joined');
    clock.advance(4_999);
    expect(m.stats.httpRequests).toBe(0);
    clock.advance(1);
    expect(m.stats.httpRequests).toBe(1);
    await waitUntil(() => m.job(job.jobId)?.timestamp !== null, 'read over REST');
    expect(m.state.state).toBe('connected');
  });
});

describe('guards', () => {
  it('a state listener that stops tracking as soon as it is connected stops it cleanly', async () => {
    const errors = processErrors();
    const peer = await server();
    const { m, states } = manager({ baseUrl: await unusedBaseUrl(), wsUrl: peer.url });
    m.onState((s) => {
      if (s.state === 'connected') void m.dispose();
    });
    m.start();
    await waitUntil(() => m.state.state === 'stopped', 'stopped from the listener');
    await waitUntil(() => peer.peers.length === 1 && peer.peers[0]!.readyState === peer.peers[0]!.CLOSED, 'the socket closed');
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected', 'stopped']);
    expect(m.pendingTimers).toBe(0);
    expect(errors).toEqual([]);
  });

  it('a late event of a replaced transport changes nothing', async () => {
    const mute = await muteServer();
    const clock = new FakeClock();
    const t0 = clock.now();
    const { m, states } = manager({ baseUrl: await unusedBaseUrl(), wsUrl: mute.url, clock, random: () => 0.5 });
    m.start();
    clock.advance(10_000); // the first attempt times out
    clock.advance(500); // the second starts
    expect(opened).toHaveLength(2);
    const [old, current] = opened as [(typeof opened)[0], (typeof opened)[0]];
    expect(m.currentGeneration).toBe(current.transport);
    const before = [...states];

    // As if still queued from the first socket: it would claim to be healthy, open, say something, and drop.
    old.events.healthy(old.transport);
    old.events.open(old.transport);
    old.events.inbound(old.transport, { kind: 'bad', reason: 'not_json' });
    old.events.down(old.transport, { reason: 'late', auth: true, immediate: true });
    expect(states).toEqual(before);
    expect(m.currentGeneration).toBe(current.transport);
    expect(m.stats.badFrames).toBe(0);

    // The backoff goes on from attempt 1: the old socket's "healthy" did not reset it.
    clock.advance(10_000);
    expect(m.state).toMatchObject({ state: 'reconnecting', attempt: 2, nextTryAt: t0 + 21_500 });
  });
});
