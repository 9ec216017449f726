/**
 * One status read as the engine needs it: never throws, tells auth failures
 * apart (they stop everything) from the rest (tried again later), and reads
 * each job out of the body with the protocol's tolerance. The read key is
 * the chart number for `intake` (§2 lists every job of a chart) and the job
 * id for the Socket.IO dialects (one job object per read).
 */
import { dialectPath, isSocketIoDialect, type Dialect } from '../../shared/dialect';
import type { StatusUpdate } from '../../shared/jobState';
import { readJobFromStatusBody, type StatusSnapshot } from '../../shared/protocol';
import { withoutTrailingSlashes } from '../../shared/serverUrl';
import { fetchChartStatus, StatusHttpError, type FetchChartStatusOptions } from '../statusClient';
import { updateFromJobObject } from './socketIoPayload';

export type ChartStatusOutcome =
  | { kind: 'ok'; read(jobId: string): StatusSnapshot | StatusUpdate | null }
  | { kind: 'auth'; reason: string }
  | { kind: 'error'; reason: string };

export type StatusReadOptions = Omit<FetchChartStatusOptions, 'chartNumber' | 'url'> & { readKey: string; dialect?: Dialect };

export async function readChartStatus(options: StatusReadOptions): Promise<ChartStatusOutcome> {
  const { readKey, dialect, ...rest } = options;
  try {
    if (dialect !== undefined && isSocketIoDialect(dialect)) {
      const url = `${withoutTrailingSlashes(options.baseUrl)}${dialectPath(dialect.rest.status, readKey)}`;
      const body = await fetchChartStatus({ ...rest, chartNumber: readKey, url });
      const update = updateFromJobObject(dialect, body, readKey);
      return { kind: 'ok', read: (jobId) => (typeof update === 'string' || jobId !== readKey ? null : { ...update, jobId }) };
    }
    const body = await fetchChartStatus({ ...rest, chartNumber: readKey });
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

/** What a job's state is read by: its chart (intake) or its own id (Socket.IO dialects). */
export function readKeyOf(dialect: Dialect | undefined, jobId: string, chartNumber: string): string {
  return dialect !== undefined && isSocketIoDialect(dialect) ? jobId : chartNumber;
}
