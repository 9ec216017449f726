/**
 * Figure 5 — recovery: 1,000 tracked jobs, the reference server PROCESS is
 * restarted (same port and data dir). As soon as the new process listens it
 * moves every job on by one update, which the client can only learn through
 * re-subscribing (snapshot) or catching up. We time from "server listening"
 * until the client is connected again and holds every job's new seq.
 *
 * The target allows for the reconnect delay the client drew: backoff wait =
 * the part of the last `nextTryAt` (from its reconnecting/polling state) that
 * lies after the server was ready. Jitter is random, so this wait varies from
 * run to run; what is judged is the time beyond it.
 */
import type { BenchContext, Figure, FigureEntry } from '../figure';
import { contextRow } from '../figure';
import { round } from '../stats';
import { seedJobs } from '../support/seedJobs';
import { startServerProcess } from '../support/serverProcess';
import { trackJobs } from '../support/trackedJobs';
import { sleep, waitFor } from '../support/waitFor';

const JOBS = 1000;
const SLACK_MS = 1000;

async function run(context: BenchContext): Promise<FigureEntry[]> {
  const trials = context.quick ? 1 : 3;
  const dataDir = await context.tempDir('recovery');
  const server = await startServerProcess({ dataDir, phaseMs: 1e9, limits: { maxSubscriptionsPerConnection: 100_000 } });
  const entries: FigureEntry[] = [];
  try {
    const jobs = await seedJobs(server.url, JOBS, 'REC');
    const tracked = await trackJobs(server.url, jobs);
    try {
      for (let trial = 1; trial <= trials; trial += 1) {
        // Let the client's attempt counter reset (10 s healthy) so each trial starts from a first reconnect.
        if (trial > 1) await sleep(11_000);
        const statesBefore = tracked.states.length;
        const subscribesBefore = tracked.manager.stats.subscribesSent;
        await server.restart();
        const readyAt = server.readyAt.wall;
        await server.command({ cmd: 'emitEach', jobIds: jobs.map((job) => job.jobId) });
        const expected = new Map((await server.command<Array<{ jobId: string; seq: number }>>({ cmd: 'jobs' })).map((job) => [job.jobId, job.seq]));
        const caughtUp = () =>
          tracked.manager.state.state === 'connected' &&
          tracked.manager.stats.subscribesSent - subscribesBefore >= JOBS &&
          jobs.every((job) => (tracked.seqOf(job.jobId) ?? -1) >= (expected.get(job.jobId) ?? Infinity));
        await waitFor(caughtUp, `${JOBS} jobs re-subscribed and caught up after a server restart`, 120_000, 2);
        const recoveredMs = Date.now() - readyAt;

        const downStates = tracked.states
          .slice(statesBefore)
          .flatMap((entry) => (entry.state.state === 'reconnecting' || entry.state.state === 'polling' ? [{ at: entry.at, nextTryAt: entry.state.nextTryAt }] : []));
        // The state announcing an attempt carries nextTryAt = now; the delay was drawn by the last state that looked ahead.
        const drawn = downStates.filter((entry) => entry.nextTryAt > entry.at).at(-1);
        const nextTryAt = drawn?.nextTryAt ?? readyAt;
        const drawnMs = drawn ? drawn.nextTryAt - drawn.at : 0;
        if (process.env.INTAKE_BENCH_DEBUG) for (const entry of tracked.states.slice(statesBefore)) context.log(`    ${entry.at - readyAt} ms: ${JSON.stringify(entry.state)}`);
        const backoffWaitMs = Math.max(0, nextTryAt - readyAt);
        const allowedMs = backoffWaitMs + SLACK_MS;
        context.log(
          `  trial ${trial}: recovered ${recoveredMs} ms after the server was ready; last drawn delay ${drawnMs} ms, of which ${backoffWaitMs} ms after ready; ${downStates.length} down states`,
        );
        const suffix = trials > 1 ? ` (trial ${trial})` : '';
        entries.push(
          {
            name: `recovery, ${JOBS} jobs, server restarted${suffix}`,
            value: recoveredMs,
            unit: 'ms',
            peer: null,
            peerValue: null,
            ratio: null,
            target: `< backoff wait ${backoffWaitMs} ms + 1 s`,
            met: recoveredMs < allowedMs,
          },
          contextRow(`recovery beyond the backoff wait${suffix}`, round(recoveredMs - backoffWaitMs, 0), 'ms'),
        );
      }
    } finally {
      await tracked.manager.dispose();
    }
  } finally {
    await server.stop();
  }
  return entries;
}

export const recoveryFigure: Figure = {
  id: 'recovery',
  title: 'recovery: 1,000 tracked jobs after a server restart',
  run,
};
