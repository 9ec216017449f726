/**
 * PROTOCOL.md §4 from the client's side: the user cancels a job the server
 * holds, so the server is asked to stop it. The job shows "Cancelling…"
 * (`cancelRequested`) and stays followed until the final `cancelled` update
 * ends it (jobTransitions.withServerState). A server without the extension
 * (501, or 404 because it has no such route) goes on with the job: we say so
 * and stop following it. 409 means the job had already ended: its final
 * update is on its way, so only the flag goes.
 */
import { CANCEL_UNSUPPORTED, isCancelling } from '../../shared/jobRules';
import { withoutTrailingSlashes } from '../../shared/serverUrl';
import { dialectPath, isSocketIoDialect, type Dialect } from '../../shared/dialect';
import type { QueueJob } from '../../shared/queueJob';
import type { JobBook } from './jobBook';
import type { QueueEvent, ServerTarget } from './types';

export type CancelAnswer = { kind: 'cancelling' | 'final' | 'unsupported' } | { kind: 'error'; message: string };

const CANCEL_TIMEOUT_MS = 15_000;

/** The cancel route of the server's dialect, or null for a backend without one (seed 004). */
export function cancelUrl(baseUrl: string, jobId: string, dialect?: Dialect): string | null {
  if (dialect !== undefined && isSocketIoDialect(dialect)) {
    return dialect.rest.cancel === null ? null : `${withoutTrailingSlashes(baseUrl)}${dialectPath(dialect.rest.cancel, jobId)}`;
  }
  return `${withoutTrailingSlashes(baseUrl)}/documents/jobs/${encodeURIComponent(jobId)}/cancel`;
}

/** One POST, through the server's network (proxy, trust); never throws: what went wrong comes back as `error` with a message for the user. */
export async function requestServerCancel(server: ServerTarget, jobId: string, fetchImpl: typeof fetch = server.network?.fetch ?? fetch): Promise<CancelAnswer> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (server.token) headers.Authorization = `Bearer ${server.token}`;
  const url = cancelUrl(server.baseUrl, jobId, server.dialect);
  if (url === null) return { kind: 'unsupported' };
  let response: Response;
  try {
    response = await fetchImpl(url, { method: 'POST', headers, signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS) });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return { kind: 'error', message: timedOut ? 'The server did not answer the cancel request in time.' : 'The server could not be reached to cancel the job.' };
  }
  await response.body?.cancel().catch(() => undefined); // the status code says all we need
  switch (response.status) {
    case 200:
    case 202:
      return { kind: 'cancelling' };
    case 409:
      return { kind: 'final' };
    case 404:
    case 501:
      return { kind: 'unsupported' };
    case 401:
    case 403:
      return { kind: 'error', message: `The server refused the token (HTTP ${response.status}); the job was not cancelled.` };
    default:
      return { kind: 'error', message: `The server answered the cancel request with HTTP ${response.status}; the job was not cancelled.` };
  }
}

export interface ServerCancelDeps {
  book: JobBook;
  server: () => ServerTarget;
  emit: (event: QueueEvent) => void;
  /** Ends the job locally (stops following it), with this error kept on it. */
  endLocally: (job: QueueJob, error: QueueJob['error']) => void;
  fetchImpl?: typeof fetch;
}

export class ServerCancel {
  constructor(private readonly d: ServerCancelDeps) {}

  /** Marks the job "Cancelling…" and asks the server; the answer is handled when it comes. */
  ask(job: QueueJob): Promise<void> {
    const asked = this.d.book.update(job, { cancelRequested: true });
    this.d.emit({ type: 'phase', job: asked });
    return this.send(asked.id, asked.jobId as string);
  }

  private async send(id: string, jobId: string): Promise<void> {
    const answer = await requestServerCancel(this.d.server(), jobId, this.d.fetchImpl);
    const job = this.d.book.get(id);
    // Ended meanwhile (the `cancelled` update can beat the 202), removed, or sent again.
    if (job === undefined || job.jobId !== jobId || !isCancelling(job)) return;
    switch (answer.kind) {
      case 'cancelling':
        return;
      case 'final':
        this.d.book.update(job, { cancelRequested: false });
        return;
      case 'unsupported':
        this.d.endLocally(job, { code: 'cancel_unsupported', message: CANCEL_UNSUPPORTED });
        return;
      case 'error':
        this.d.emit({ type: 'phase', job: this.d.book.update(job, { cancelRequested: false }) });
        this.d.emit({ type: 'warning', message: answer.message });
    }
  }
}
