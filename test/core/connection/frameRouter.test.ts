/**
 * Where each inbound message of the backend goes: an ack settles its
 * subscribe and only then catches the job up (snapshot, else one REST read);
 * an update lands on its own job and no other; an `error` for a subscribe
 * turns into a REST read instead of a loop; anything about a job we do not
 * follow is counted as a bad frame. Real TrackedJobs and SubscriptionChannel
 * over a recording transport; the router's outputs are recorded.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { FrameRouter } from '../../../src/core/connection/frameRouter';
import { SubscriptionChannel } from '../../../src/core/connection/subscriptionChannel';
import { TrackedJobs, type UpdateSource } from '../../../src/core/connection/trackedJobs';
import type { DownReason, Inbound, Transport } from '../../../src/core/connection/transport';
import { ConnectionManager } from '../../../src/core/connection/ConnectionManager';
import type { StatusUpdate } from '../../../src/shared/jobState';
import type { BatchProgress } from '../../../src/shared/batchProgress';
import type { Logger } from '../../../src/core/base/logger';
import { TimerGroup } from '../../../src/core/base/timerGroup';
import { FakeClock } from '../../support/fakeClock';
import { startServer } from '../../support/referenceServer';
import { startWsRelay } from '../../support/wsRelay';
import { uploadJob } from './uploadJobs';
import { waitUntil } from './waitUntil';

const at = '2026-01-01T10:00:00.000Z';
const state = (jobId: string, seq: number, phase = 'ocr_started'): StatusUpdate => ({
  jobId, status: 'processing', phase, message: '', timestamp: at, seq,
});

/** Jobs [jobId, chartNumber] tracked and their first batch subscribed on an open socket. */
function rig(tracked: Array<[string, string]>, batchSize = 10) {
  const clock = new FakeClock();
  const jobs = new TrackedJobs();
  for (const [jobId, chart] of tracked) jobs.track(jobId, chart);
  const subscribed: string[] = [];
  const failed: DownReason[] = [];
  const transport: Transport = {
    id: 1,
    timers: new TimerGroup(clock),
    isOpen: true,
    missingAck: 'reconnect',
    subscribe: (jobId) => (subscribed.push(jobId), true),
    unsubscribe: () => true,
    subscribeBatch: () => false,
    probe: () => undefined,
    fail: (why) => void failed.push(why),
    dispose: async () => undefined,
  };
  onTestFinished(() => transport.timers.clearAll());
  const channel = new SubscriptionChannel(transport, {
    batchSize,
    ackTimeoutMs: 10_000,
    wanted: () => jobs.wantedIds(),
    onSubscribeSent: () => undefined,
    assumed: () => undefined,
  });
  const seen = {
    applied: [] as Array<{ toJob: string | undefined; chart: string; update: StatusUpdate; source: UpdateSource }>,
    restReads: [] as string[],
    badFrames: [] as string[],
    batches: [] as BatchProgress[],
    warnings: [] as Array<{ message: string; fields?: Record<string, unknown> }>,
  };
  const quiet = () => undefined;
  const logger: Logger = { debug: quiet, info: quiet, error: quiet, warn: (message, fields) => void seen.warnings.push({ message, fields }) };
  const router = new FrameRouter({
    jobs,
    logger,
    apply: (record, update, source) => {
      const toJob = tracked.map(([id]) => id).find((id) => jobs.get(id) === record);
      seen.applied.push({ toJob, chart: record.chartNumber, update, source });
    },
    catchUp: (readKey) => void seen.restReads.push(readKey),
    badFrame: (reason) => void seen.badFrames.push(reason),
    batch: (batch) => void seen.batches.push(batch),
  });
  channel.sendNextBatch();
  const route = (message: Inbound) => router.route(channel, message);
  return { jobs, clock, subscribed, failed, seen, route, transport };
}

describe('FrameRouter: acks', () => {
  it("an awaited ack's snapshot is applied to that job as a full-state read, with no REST read", () => {
    const { seen, route } = rig([['a', 'CH-A'], ['b', 'CH-B']]);
    route({ kind: 'ack', jobId: 'b', snapshot: state('b', 4) });
    expect(seen.applied).toEqual([{ toJob: 'b', chart: 'CH-B', update: state('b', 4), source: 'state' }]);
    expect(seen.restReads).toEqual([]);
  });

  it('an ack without a snapshot costs one REST read of that job; an ack nobody waits for costs nothing', () => {
    const { seen, route } = rig([['a', 'CH-A'], ['b', 'CH-B']]);
    route({ kind: 'ack', jobId: 'a', snapshot: null });
    expect(seen.restReads).toEqual(['CH-A']);
    // The server acks again (a duplicated frame, a re-sync): already settled, nothing more.
    route({ kind: 'ack', jobId: 'a', snapshot: null });
    route({ kind: 'ack', jobId: 'a', snapshot: state('a', 9) });
    expect(seen.restReads).toEqual(['CH-A']);
    expect(seen.applied).toEqual([]);
  });

  it('an ack for a job removed meanwhile still lets the next batch go out, and touches no job', () => {
    const { jobs, seen, route, subscribed } = rig([['a', 'CH-A'], ['b', 'CH-B']], 1);
    expect(subscribed).toEqual(['a']);
    jobs.untrack('a');
    route({ kind: 'ack', jobId: 'a', snapshot: state('a', 2) });
    expect(subscribed).toEqual(['a', 'b']);
    expect(seen.applied).toEqual([]);
    expect(seen.restReads).toEqual([]);
    expect(seen.badFrames).toEqual([]);
  });
});

describe('FrameRouter: updates', () => {
  it('an update lands on its own job as a stream update, never on another', () => {
    const { seen, route } = rig([['a', 'CH-A'], ['b', 'CH-B']]);
    route({ kind: 'update', update: state('b', 5, 'ai_started') });
    expect(seen.applied).toEqual([{ toJob: 'b', chart: 'CH-B', update: state('b', 5, 'ai_started'), source: 'stream' }]);
    expect(seen.badFrames).toEqual([]);
  });

  it('an update for a job we do not follow is dropped and counted as unknown_job', () => {
    const { seen, route } = rig([['a', 'CH-A']]);
    route({ kind: 'update', update: state('stranger', 1) });
    expect(seen.applied).toEqual([]);
    expect(seen.badFrames).toEqual(['unknown_job']);
  });

  it('an update still in flight for a job the user just removed is dropped without counting a bad frame', () => {
    const { jobs, seen, route } = rig([['a', 'CH-A'], ['b', 'CH-B']]);
    jobs.untrack('a');
    route({ kind: 'update', update: state('a', 2) });
    expect(seen.applied).toEqual([]);
    expect(seen.badFrames).toEqual([]);
    // A job never followed at all is still the backend's mistake.
    route({ kind: 'update', update: state('stranger', 1) });
    expect(seen.badFrames).toEqual(['unknown_job']);
  });

  it('a malformed frame is counted with the reader\'s reason; an unsubscribe ack does nothing', () => {
    const { seen, route } = rig([['a', 'CH-A']]);
    route({ kind: 'bad', reason: 'wrong_shape' });
    route({ kind: 'ignored' });
    expect(seen.badFrames).toEqual(['wrong_shape']);
    expect(seen.applied).toEqual([]);
    expect(seen.restReads).toEqual([]);
    expect(seen.warnings).toEqual([]);
  });

  it("a batch's progress is handed on as it came", () => {
    const { seen, route } = rig([]);
    const batch: BatchProgress = { batchId: 'B1', total: 3, completed: 1, progress: 33, status: 'PROCESSING', message: '' };
    route({ kind: 'batch', batch });
    expect(seen.batches).toEqual([batch]);
  });
});

describe('FrameRouter: errors from the server', () => {
  it('an error refusing an awaited subscribe: one REST read of that job, the next batch goes out, the operator is warned', () => {
    const { seen, route, subscribed } = rig([['a', 'CH-A'], ['b', 'CH-B']], 1);
    route({ kind: 'error', jobId: 'a' });
    expect(seen.restReads).toEqual(['CH-A']);
    expect(subscribed).toEqual(['a', 'b']);
    // Said again (the server repeats itself): no second read, no loop.
    route({ kind: 'error', jobId: 'a' });
    expect(seen.restReads).toEqual(['CH-A']);
    const warning = { message: 'server reported an error for a client message', fields: { forJob: true } };
    expect(seen.warnings).toEqual([warning, warning]);
  });

  it('an error naming a job not subscribed on this socket reads nothing', () => {
    const { seen, route, subscribed } = rig([['a', 'CH-A'], ['b', 'CH-B']], 1);
    route({ kind: 'error', jobId: 'b' });
    expect(seen.restReads).toEqual([]);
    expect(subscribed).toEqual(['a']);
  });

  it('an error for a subscribe of a job removed meanwhile settles it without reading anything', () => {
    const { jobs, seen, route, subscribed } = rig([['a', 'CH-A'], ['b', 'CH-B']], 1);
    jobs.untrack('a');
    route({ kind: 'error', jobId: 'a' });
    expect(subscribed).toEqual(['a', 'b']);
    expect(seen.restReads).toEqual([]);
  });

  it('an error about no job is only logged, without the job, and the batch keeps waiting for its acks', () => {
    const { seen, route, subscribed, transport } = rig([['a', 'CH-A'], ['b', 'CH-B']], 1);
    route({ kind: 'error' });
    expect(seen.warnings).toEqual([{ message: 'server reported an error for a client message', fields: { forJob: false } }]);
    expect(seen.restReads).toEqual([]);
    expect(subscribed).toEqual(['a']);
    expect(transport.timers.has('ack')).toBe(true);
  });
});

describe('a subscribe the backend refuses', () => {
  it('a job the server no longer knows is read over REST once; the socket stays and the other jobs are still followed', async () => {
    const server = await startServer({ phaseMs: 30 });
    const relay = await startWsRelay({ target: () => server.wsUrl });
    onTestFinished(() => relay.close());
    const real = await uploadJob(server.url, 'LIVE-1');
    const warnings: Array<Record<string, unknown> | undefined> = [];
    const quiet = () => undefined;
    const logger: Logger = { debug: quiet, info: quiet, error: quiet, warn: (message, fields) => void warnings.push({ message, ...fields }) };
    // One subscribe per batch: the real job's goes out only once the refused one is settled.
    const m = new ConnectionManager({ baseUrl: server.url, wsUrl: relay.url, logger, timings: { subscribeBatchSize: 1, ackTimeoutMs: 60_000 } });
    onTestFinished(() => m.dispose());
    m.track('purged-job-0001', { chartNumber: 'GONE-1' });
    m.track(real.jobId, { chartNumber: real.chartNumber });
    m.start();
    await waitUntil(() => m.job(real.jobId)?.status === 'completed', 'the other job completed');
    await waitUntil(() => m.stats.httpRequests === 1, 'the refused job read over REST');
    expect(relay.stats.connections).toBe(1);
    expect(relay.stats.subscribes).toBe(2);
    expect(m.stats.badFrames).toBe(0);
    expect(warnings).toEqual([{ message: 'server reported an error for a client message', forJob: true }]);
  });
});
