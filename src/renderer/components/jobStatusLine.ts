/**
 * The one line under a row's stepper: the most useful thing to say about the
 * job right now. Retry info wins over the server message, errors win over both.
 */
import { isCancelling } from '../../shared/jobRules';
import type { QueueJob } from '../../shared/queueJob';
import { formatDuration } from '../displayFormat';

export interface StatusLine {
  text: string;
  tone: 'plain' | 'warning' | 'error' | 'success';
}

export function jobStatusLine(job: QueueJob, now: number): StatusLine {
  const server = job.server;
  switch (job.stage) {
    case 'queued':
      if (job.nextUploadAt !== null) {
        const wait = Math.max(0, job.nextUploadAt - now);
        const why = job.error ? `${job.error.message} — ` : '';
        return { text: `${why}upload retry ${wait > 0 ? `in ${formatDuration(wait)}` : 'now'} (attempt ${job.uploadAttempts + 1})`, tone: 'warning' };
      }
      return { text: 'Waiting to upload', tone: 'plain' };
    case 'uploading':
      return { text: job.uploadAttempts > 1 ? `Sending to the server, attempt ${job.uploadAttempts}` : 'Sending to the server', tone: 'plain' };
    case 'tracking':
      if (isCancelling(job)) return { text: 'Cancelling… (waiting for the server to stop the job)', tone: 'warning' };
      if (server?.status === 'failed' && server.willRetry) {
        const of = server.maxAttempts === null ? '' : ` of ${server.maxAttempts}`;
        const next = server.attempt === null ? '' : `, attempt ${server.attempt + 1}${of}`;
        return { text: `Server is retrying${next}${server.message ? ` — ${server.message}` : ''}`, tone: 'warning' };
      }
      return { text: server?.message || 'Uploaded, waiting for the server', tone: 'plain' };
    case 'completed':
      return { text: server?.message || 'Completed', tone: 'success' };
    case 'cancelled':
      // The honest fallback of PROTOCOL.md §4 (the server goes on with the job) is a warning, not a plain end.
      if (job.error) return { text: job.error.message, tone: 'warning' };
      return { text: server?.status === 'cancelled' ? 'Cancelled at the server' : 'Cancelled', tone: 'plain' };
    case 'blocked':
      // Seed 004's BLOCKED: nothing failed, but a person has to look before it goes on.
      return { text: server?.message || job.error?.message || 'Held by a quality check: a person needs to look at it', tone: 'warning' };
    case 'failed':
    case 'rejected': {
      const reason = job.error?.message ?? server?.message ?? 'Failed';
      const counted = server?.attempt != null && server.maxAttempts != null && !/attempt/i.test(reason);
      return { text: counted ? `${reason} (attempt ${server.attempt} of ${server.maxAttempts})` : reason, tone: 'error' };
    }
  }
}
