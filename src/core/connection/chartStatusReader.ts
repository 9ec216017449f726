/**
 * One §2 read as the engine needs it: never throws, tells auth failures apart
 * (they stop everything) from the rest (tried again later), and reads each job
 * out of the body with the protocol's tolerance.
 */
import { readJobFromStatusBody, type StatusSnapshot } from '../../shared/protocol';
import { fetchChartStatus, StatusHttpError, type FetchChartStatusOptions } from '../statusClient';

export type ChartStatusOutcome =
  | { kind: 'ok'; read(jobId: string): StatusSnapshot | null }
  | { kind: 'auth'; reason: string }
  | { kind: 'error'; reason: string };

export async function readChartStatus(options: FetchChartStatusOptions): Promise<ChartStatusOutcome> {
  try {
    const body = await fetchChartStatus(options);
    return { kind: 'ok', read: (jobId) => readJobFromStatusBody(body, jobId) };
  } catch (error) {
    if (error instanceof StatusHttpError) {
      // The message may quote the server; the reason we log is only code and status.
      const reason = `status read: ${error.code}${error.status ? ` (HTTP ${error.status})` : ''}`;
      return error.code === 'auth' ? { kind: 'auth', reason } : { kind: 'error', reason };
    }
    return { kind: 'error', reason: 'status read: unexpected failure' };
  }
}
