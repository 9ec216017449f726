/**
 * What to do after an upload try: done, wait and try again, or stop. Pure:
 * time and randomness come in as arguments.
 */
import type { UploadOutcome } from './sendUpload';

export interface RetryTimings {
  /** First backoff ceiling; doubles per attempt. */
  baseMs: number;
  /** Highest backoff ceiling. */
  maxMs: number;
  /** Tries before a transient problem becomes a failure. */
  maxAttempts: number;
  /** Retry-After values above this are clamped, so a bad header cannot park a job for days. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_TIMINGS: RetryTimings = { baseMs: 1000, maxMs: 30_000, maxAttempts: 8, maxRetryAfterMs: 15 * 60_000 };

export type RetryDecision =
  | { action: 'accepted'; jobId: string }
  | { action: 'retry'; delayMs: number; code: string; message: string }
  /** Not the job's fault: the credentials are wrong; wait for new ones. */
  | { action: 'auth'; message: string }
  | { action: 'reject'; code: string; message: string }
  | { action: 'fail'; code: string; message: string }
  | { action: 'aborted' };

/** Full jitter: uniform in [0, min(max, base × 2^(attempt-1))]. */
export function backoffDelay(attempt: number, timings: RetryTimings, random: () => number): number {
  const ceiling = Math.min(timings.maxMs, timings.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date always names a day or month; Date.parse alone would read "-3" as a year.
  if (!/[A-Za-z]{3}/.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

/**
 * `attempt` is the number of the try that just ended (1 for the first).
 */
export function decideAfterUpload(
  outcome: UploadOutcome,
  attempt: number,
  context: { timings: RetryTimings; random: () => number; nowMs: number },
): RetryDecision {
  const { timings } = context;
  const transient = (code: string, message: string, minDelayMs = 0): RetryDecision => {
    if (attempt >= timings.maxAttempts) {
      return { action: 'fail', code, message: `${message} Gave up after ${attempt} tries; use Retry to try again.` };
    }
    const delayMs = Math.max(minDelayMs, backoffDelay(attempt, timings, context.random));
    return { action: 'retry', delayMs, code, message };
  };

  switch (outcome.kind) {
    case 'accepted':
      return { action: 'accepted', jobId: outcome.jobId };
    case 'aborted':
      return { action: 'aborted' };
    case 'file':
      return { action: 'fail', code: outcome.code, message: outcome.message };
    case 'network':
      return transient('network', outcome.message);
    case 'stalled':
      return transient('stalled', 'The upload made no progress and was restarted.');
    case 'http': {
      const { httpStatus, message } = outcome;
      // The proxy, not the server, answered: no verdict on the token; tried again (credentials or a rule may change).
      if (outcome.code === 'proxy' || outcome.code === 'proxy_auth') return transient(outcome.code, message);
      if (httpStatus === 401 || httpStatus === 403) {
        const why = httpStatus === 401 ? 'The server needs a token' : 'The server refused the token';
        return { action: 'auth', message: `${why} (HTTP ${httpStatus}): ${message} Uploads wait until the token is changed.` };
      }
      if (httpStatus === 429) {
        const retryAfter = parseRetryAfter(outcome.retryAfter, context.nowMs);
        const wait = retryAfter === null ? 0 : Math.min(retryAfter, timings.maxRetryAfterMs);
        return transient('too_many_requests', `The server is busy (HTTP 429): ${message}`, wait);
      }
      if (httpStatus >= 500) {
        const retryAfter = parseRetryAfter(outcome.retryAfter, context.nowMs);
        const wait = retryAfter === null ? 0 : Math.min(retryAfter, timings.maxRetryAfterMs);
        return transient(outcome.code, `The server had a problem (HTTP ${httpStatus}): ${message}`, wait);
      }
      return { action: 'reject', code: outcome.code, message };
    }
  }
}
