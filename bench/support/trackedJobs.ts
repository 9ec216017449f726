/**
 * A ConnectionManager following a set of seeded jobs, with what the recovery
 * and polling figures need to observe: every state change and the latest seq
 * applied per job.
 */
import { ConnectionManager } from '../../src/core/connection/ConnectionManager';
import { silentLogger } from '../../src/core/base/logger';
import type { ConnectionState } from '../../src/shared/connectionState';
import type { SeededJob } from './seedJobs';
import { waitFor } from './waitFor';

export interface TrackedJobs {
  manager: ConnectionManager;
  /** Every state change with its wall-clock time (Date.now, the clock nextTryAt is on). */
  states: Array<{ at: number; state: ConnectionState }>;
  /** Status updates applied since start. */
  applied(): number;
  seqOf(jobId: string): number | null;
}

export async function trackJobs(baseUrl: string, jobs: SeededJob[]): Promise<TrackedJobs> {
  const manager = new ConnectionManager({ baseUrl, logger: silentLogger });
  const states: TrackedJobs['states'] = [];
  const seen = new Set<string>();
  let applied = 0;
  manager.onState((state) => states.push({ at: Date.now(), state }));
  manager.onJob((job) => {
    applied += 1;
    seen.add(job.jobId);
  });
  manager.start();
  for (const job of jobs) manager.track(job.jobId, { chartNumber: job.chartNumber });
  await waitFor(() => seen.size === jobs.length && manager.state.state === 'connected', `${jobs.length} jobs caught up`);
  return {
    manager,
    states,
    applied: () => applied,
    seqOf: (jobId) => manager.job(jobId)?.seq ?? null,
  };
}
