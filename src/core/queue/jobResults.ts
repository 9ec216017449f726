/** The §2 `results` of one completed job, read from its chart's status body. */
import type { QueueJob } from '../../shared/queueJob';
import { fetchChartStatus } from '../statusClient';
import { QueueInputError, type ServerTarget } from './types';

export async function fetchJobResults(server: ServerTarget, job: QueueJob): Promise<unknown> {
  if (job.stage !== 'completed' || job.jobId === null) {
    throw new QueueInputError('invalid_state', 'Results exist only once the job has completed.');
  }
  const body = await fetchChartStatus({ baseUrl: server.baseUrl, chartNumber: job.chartNumber, token: server.token ?? null, network: server.network });
  const results = (body as { results?: unknown } | null)?.results ?? null;
  // A chart can hold several jobs; servers that know that key results by jobId (the reference server does).
  if (results !== null && typeof results === 'object' && Object.hasOwn(results, job.jobId)) {
    return (results as Record<string, unknown>)[job.jobId];
  }
  return results;
}
