/**
 * Figure 6 — polling when healthy: 100 open jobs followed over a healthy
 * socket for 60 s (quick: 10 s) while the server's pipeline moves them on.
 * Every HTTP request the server sees in that window is counted (its own
 * request counter, so nothing the client does can hide from it).
 */
import type { BenchContext, Figure, FigureEntry } from '../figure';
import { contextRow } from '../figure';
import { seedJobs } from '../support/seedJobs';
import { startServerProcess } from '../support/serverProcess';
import { trackJobs } from '../support/trackedJobs';
import { sleep } from '../support/waitFor';

const JOBS = 100;

async function run(context: BenchContext): Promise<FigureEntry[]> {
  const windowMs = context.quick ? 10_000 : 60_000;
  const dataDir = await context.tempDir('polling');
  // Each job passes a phase every quarter window: updates keep flowing, and no job completes before the window ends.
  const server = await startServerProcess({ dataDir, phaseMs: windowMs / 4 });
  try {
    const jobs = await seedJobs(server.url, JOBS, 'POLL');
    const tracked = await trackJobs(server.url, jobs);
    try {
      const before = await server.stats();
      const appliedBefore = tracked.applied();
      const statesBefore = tracked.states.length;
      await sleep(windowMs);
      const after = await server.stats();
      const requests = after.httpRequests - before.httpRequests;
      const updates = tracked.applied() - appliedBefore;
      const stateChanges = tracked.states.length - statesBefore;
      context.log(`  ${requests} HTTP requests in ${windowMs / 1000} s; ${updates} updates applied over the socket; ${stateChanges} connection state changes`);
      return [
        {
          name: `HTTP requests in ${windowMs / 1000} s, ${JOBS} open jobs, healthy socket`,
          value: requests,
          unit: 'requests',
          peer: null,
          peerValue: null,
          ratio: null,
          target: '0',
          met: requests === 0,
        },
        contextRow(`status updates received over the socket meanwhile`, updates, 'updates'),
      ];
    } finally {
      await tracked.manager.dispose();
    }
  } finally {
    await server.stop();
  }
}

export const healthyPollingFigure: Figure = {
  id: 'polling',
  title: 'HTTP requests while the socket is healthy',
  run,
};
