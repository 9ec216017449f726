/**
 * The chaos suite of chaos.test.ts (the intake dialect) for the two Socket.IO
 * dialects: 200 jobs on one connection while every socket is dropped, the
 * server PROCESS restarts, connections go silent (Socket.IO's heartbeat must
 * notice), acks stop coming (the joins are taken as done and read over REST),
 * events are duplicated and reordered, junk is injected (wrong shapes,
 * unknown job ids, unknown event names), and at the end the endpoint refuses
 * for good so polling finishes the work. Every job ends in the state the
 * server holds, nothing is applied twice, nothing moves backwards.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectionManager } from '../../../src/core/connection/ConnectionManager';
import { fetchChartStatus } from '../../../src/core/statusClient';
import { SOCKETIO_EVENTS, SOCKETIO_ROOMS, dialectPath, statusMeaning, type SocketIoDialect } from '../../../src/shared/dialect';
import { spawnServerProcess } from '../../support/referenceServer';
import { startWsRelay } from '../../support/wsRelay';
import { capturedLog, chaosPause, commonFaults, finishByPolling, recordEngine, runFaults } from './chaosRig';
import { uploadDialectJobs } from './dialectUploads';
import type { CreatedJob } from './uploadJobs';
import { seededRandom } from '../../support/seededRandom';
import { waitUntil } from './waitUntil';

const JOBS = 200;

/** Engine.IO text frames `42…` (event) and `43…` (ack) are what a flaky network may double or swap. */
const isPacket = (frame: string): boolean => frame.startsWith('42') || frame.startsWith('43');
/** Acks: a callback ack (rooms) or the `subscribed` event (events). */
const isAck = (dialect: SocketIoDialect, frame: string): boolean =>
  dialect.events.subscribed === null ? frame.startsWith('43') : frame.startsWith(`42["${dialect.events.subscribed}"`);

function junkFrames(dialect: SocketIoDialect): string[] {
  const update = dialect.events.updates[0]!;
  const { fields } = dialect;
  return [
    `42["${update}",{"nothing":"useful"}]`,
    `42["${update}","just text"]`,
    `42["${update}",{"${fields.objectId}":"no-such-job","${fields.status}":"processing","${fields.timestamp}":"2030-01-01T00:00:00.000Z"}]`,
    '42["no:such:event",{"a":1}]',
    `42["${dialect.events.batchUpdate ?? 'batch:update'}",{"total":"many"}]`,
    '43999[{"stray":"ack"}]',
  ];
}

describe.each([
  ['socketio-rooms', SOCKETIO_ROOMS, []],
  ['socketio-events', SOCKETIO_EVENTS, ['--blocked-rate', '0.1']],
] as const)('%s: 200 jobs through drops, restarts, silence, missing acks, junk, duplicates, reordering and no socket', (name, dialect, extraArgs) => {
  it('every job reaches the server’s final state, exactly once per update, never backwards', { timeout: 180_000 }, async () => {
    const random = seededRandom(20261202);
    const proc = await spawnServerProcess({
      args: ['--dialect', name, '--phase-ms', '400', '--fail-rate', '0.2', '--max-attempts', '1', '--ping-ms', '300', ...extraArgs],
    });
    const relay = await startWsRelay({ target: (requestPath) => `ws://127.0.0.1:${proc.port}${requestPath}`, random: seededRandom(99), alterable: isPacket });
    onTestFinished(() => relay.close());

    const log = capturedLog();
    const m = new ConnectionManager({
      logger: log.logger,
      baseUrl: proc.url,
      dialect,
      wsUrl: relay.url.replace('/api/ws', '/socket.io'),
      random: seededRandom(5),
      timings: {
        backoffBaseMs: 50,
        backoffCapMs: 500,
        connectTimeoutMs: 3_000,
        healthyAfterMs: 1_000,
        assumeJoinAfterMs: 500,
        authDisconnectWindowMs: 200,
        pollIntervalMs: 400,
        pollMaxRequestsPerSecond: 40,
        httpTimeoutMs: 5_000,
      },
    });
    onTestFinished(() => m.dispose());

    const { emissions, reasons, appliedOnce } = recordEngine(m, (job) => `${job.jobId}#${job.timestamp}#${job.progress}#${job.status}`);

    relay.setDuplicate(0.1);
    relay.setReorder(0.1);
    m.start();

    const jobs: CreatedJob[] = [];
    const uploadWave = async (count: number): Promise<void> => {
      const wave = await uploadDialectJobs(proc.url, dialect, Array.from({ length: count }, (_, i) => `SC-${jobs.length + i}`));
      jobs.push(...wave);
      for (const job of wave) m.track(job.jobId, { chartNumber: job.chartNumber });
    };
    await uploadWave(JOBS - 8 * 15);

    const { faults, withReconnect } = commonFaults(m, relay, proc);
    let noAckRounds = 0;
    const noAcks = withReconnect(() => {
      relay.setRawFilter((frame) => !isAck(dialect, frame));
      relay.dropAll();
    }, 'reconnect without acks');
    await runFaults({
      m,
      random,
      order: ['drop', 'restart', 'silence', 'noAcks', 'junk', 'drop', 'restart', 'silence'],
      faults: {
        ...faults,
        noAcks: async () => {
          const requests = m.stats.httpRequests;
          await noAcks();
          await waitUntil(() => m.stats.httpRequests > requests, 'joins taken as done and read over REST', 30_000);
          noAckRounds += 1;
          relay.setRawFilter(null);
        },
        junk: async () => {
          for (const frame of junkFrames(dialect)) relay.injectToClients(frame);
          await chaosPause(random)();
        },
      },
      afterEach: () => uploadWave(15),
    });

    const openBeforePolling = await finishByPolling(m, relay, jobs);

    expect(jobs).toHaveLength(JOBS);
    let ended = { failed: 0, blocked: 0, completed: 0 };
    for (const job of jobs) {
      const truth = (await fetchChartStatus({ baseUrl: proc.url, chartNumber: job.jobId, url: `${proc.url}${dialectPath(dialect.rest.status, job.jobId)}` })) as Record<string, unknown>;
      const word = truth[dialect.fields.status] as string;
      const mine = m.job(job.jobId)!;
      expect({ jobId: job.jobId, status: mine.status, statusWord: mine.statusWord, timestamp: mine.timestamp }).toEqual({
        jobId: job.jobId,
        status: statusMeaning(dialect, word),
        statusWord: word,
        timestamp: truth[dialect.fields.timestamp],
      });
      ended = { ...ended, [mine.status]: (ended[mine.status as keyof typeof ended] ?? 0) + 1 };
      const seen = emissions.get(job.jobId) ?? [];
      for (let i = 1; i < seen.length; i += 1) {
        const [before, after] = [seen[i - 1]!, seen[i]!];
        const newer = Date.parse(after.timestamp!) > Date.parse(before.timestamp!) || (after.timestamp === before.timestamp && (after.progress ?? 0) > (before.progress ?? 0));
        expect(newer).toBe(true);
      }
    }
    expect(appliedOnce()).toBe(true);

    // The mix the scenario promised, and the faults really bit.
    expect(ended.failed).toBeGreaterThan(0);
    expect(ended.completed).toBeGreaterThan(JOBS / 2);
    if (dialect === SOCKETIO_EVENTS) expect(ended.blocked).toBeGreaterThan(0);
    expect(relay.stats.duplicated).toBeGreaterThan(0);
    expect(relay.stats.reordered).toBeGreaterThan(0);
    expect(m.stats.duplicatesDropped).toBeGreaterThan(0);
    expect(m.stats.badFrames).toBeGreaterThanOrEqual(junkFrames(dialect).length - 1);
    expect(noAckRounds).toBe(1);
    expect(reasons.some((r) => /ping timeout/.test(r))).toBe(true);
    expect(openBeforePolling).toBeGreaterThan(0);
    expect(log.lines.filter((line) => /SC-\d/.test(line))).toEqual([]);
  });
});
