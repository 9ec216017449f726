import { describe, expect, it } from 'vitest';
import { backoffDelay, decideAfterUpload, DEFAULT_RETRY_TIMINGS, parseRetryAfter } from '../../../src/core/upload/retryPolicy';
import type { UploadOutcome } from '../../../src/core/upload/sendUpload';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const ctx = (random = () => 0.5) => ({ timings: DEFAULT_RETRY_TIMINGS, random, nowMs: NOW });
const http = (httpStatus: number, retryAfter: string | null = null): UploadOutcome => ({
  kind: 'http',
  httpStatus,
  code: `code_${httpStatus}`,
  message: `server says ${httpStatus}`,
  retryAfter,
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and ignores junk', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter(new Date(NOW + 12_000).toUTCString(), NOW)).toBe(12_000);
    expect(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('-3', NOW)).toBeNull();
    // Not delta-seconds and not an HTTP date: ignored, never a NaN or a guessed date.
    expect(parseRetryAfter('12abc', NOW)).toBeNull();
    expect(parseRetryAfter('2026-11-22', NOW)).toBeNull();
    expect(parseRetryAfter('2026-11-22T12:00:10Z', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });
});

describe('backoffDelay (full jitter)', () => {
  it('stays within [0, min(max, base·2^(n-1))] and uses the whole range', () => {
    for (const attempt of [1, 2, 3, 5, 8, 20]) {
      const ceiling = Math.min(30_000, 1000 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, DEFAULT_RETRY_TIMINGS, () => 0)).toBe(0);
      expect(backoffDelay(attempt, DEFAULT_RETRY_TIMINGS, () => 0.999999)).toBe(ceiling - 1);
      expect(backoffDelay(attempt, DEFAULT_RETRY_TIMINGS, () => 0.5)).toBe(ceiling / 2);
    }
  });
});

describe('decideAfterUpload', () => {
  it('accepts a job id', () => {
    expect(decideAfterUpload({ kind: 'accepted', jobId: 'j1', httpStatus: 201, serverStatus: 'queued' }, 1, ctx())).toEqual({ action: 'accepted', jobId: 'j1' });
  });

  it('retries network errors, stalls and 5xx with backoff', () => {
    expect(decideAfterUpload({ kind: 'network', message: 'reset' }, 1, ctx())).toMatchObject({ action: 'retry', delayMs: 500, code: 'network' });
    expect(decideAfterUpload({ kind: 'stalled' }, 2, ctx())).toMatchObject({ action: 'retry', delayMs: 1000, code: 'stalled' });
    for (const status of [500, 502, 503, 504]) {
      expect(decideAfterUpload(http(status), 3, ctx())).toMatchObject({ action: 'retry', delayMs: 2000 });
    }
  });

  it('honours Retry-After on 429 (seconds or date) even when the jitter is smaller, clamped to a sane maximum', () => {
    expect(decideAfterUpload(http(429, '4'), 1, ctx(() => 0))).toMatchObject({ action: 'retry', delayMs: 4000, code: 'too_many_requests' });
    expect(decideAfterUpload(http(429, new Date(NOW + 9000).toUTCString()), 1, ctx(() => 0))).toMatchObject({ delayMs: 9000 });
    expect(decideAfterUpload(http(429, '999999'), 1, ctx(() => 0))).toMatchObject({ delayMs: DEFAULT_RETRY_TIMINGS.maxRetryAfterMs });
    expect(decideAfterUpload(http(429), 1, ctx(() => 0))).toMatchObject({ action: 'retry', delayMs: 0 });
  });

  it('never retries other 4xx: the job is rejected with the server message', () => {
    for (const status of [400, 404, 409, 413, 415, 422]) {
      expect(decideAfterUpload(http(status), 1, ctx())).toEqual({ action: 'reject', code: `code_${status}`, message: `server says ${status}` });
    }
  });

  it('401/403 are auth problems, not the job’s fault', () => {
    expect(decideAfterUpload(http(401), 1, ctx())).toMatchObject({ action: 'auth', message: expect.stringMatching(/needs a token/) });
    expect(decideAfterUpload(http(403), 1, ctx())).toMatchObject({ action: 'auth', message: expect.stringMatching(/refused the token/) });
  });

  it('a proxy refusing the way (its own 403 or 407) is tried again later, never taken as the server refusing the token or the job', () => {
    // sendUpload names an answer from the proxy by its step ('proxy', 'proxy_auth'), whatever its status.
    const byProxy = (httpStatus: number, code: string): UploadOutcome => ({ kind: 'http', httpStatus, code, message: `proxy says ${httpStatus}`, retryAfter: null });
    expect(decideAfterUpload(byProxy(403, 'proxy'), 1, ctx())).toEqual({ action: 'retry', delayMs: 500, code: 'proxy', message: 'proxy says 403' });
    expect(decideAfterUpload(byProxy(407, 'proxy_auth'), 1, ctx())).toEqual({ action: 'retry', delayMs: 500, code: 'proxy_auth', message: 'proxy says 407' });
    expect(decideAfterUpload(byProxy(401, 'proxy_auth'), 1, ctx())).toMatchObject({ action: 'retry', code: 'proxy_auth' });
    // A 403 from the server itself stays an auth problem.
    expect(decideAfterUpload(byProxy(403, 'forbidden'), 1, ctx())).toMatchObject({ action: 'auth' });
  });

  it('a 5xx with Retry-After waits what the server asked (clamped), and says what happened', () => {
    expect(decideAfterUpload(http(503, '6'), 1, ctx(() => 0))).toEqual({
      action: 'retry',
      delayMs: 6000,
      code: 'code_503',
      message: 'The server had a problem (HTTP 503): server says 503',
    });
    expect(decideAfterUpload(http(503, '999999'), 1, ctx(() => 0))).toMatchObject({ delayMs: DEFAULT_RETRY_TIMINGS.maxRetryAfterMs });
    // Without it (or unreadable), the jittered backoff alone: 0.5 of the first 1 s ceiling.
    expect(decideAfterUpload(http(503), 1, ctx())).toMatchObject({ action: 'retry', delayMs: 500 });
    expect(decideAfterUpload(http(503, 'soon'), 1, ctx())).toMatchObject({ action: 'retry', delayMs: 500 });
    // A shorter Retry-After than the backoff does not shorten the backoff.
    expect(decideAfterUpload(http(503, '0'), 1, ctx())).toMatchObject({ delayMs: 500 });
  });

  it('the messages say why: busy server, stalled upload', () => {
    expect(decideAfterUpload(http(429), 1, ctx())).toMatchObject({ message: 'The server is busy (HTTP 429): server says 429' });
    expect(decideAfterUpload({ kind: 'stalled' }, 1, ctx())).toMatchObject({
      action: 'retry',
      code: 'stalled',
      message: 'The upload made no progress and was restarted.',
    });
  });

  it('a server answering 503 or 429 with Retry-After forever is given up on after the last attempt', () => {
    const { maxAttempts } = DEFAULT_RETRY_TIMINGS;
    for (const outcome of [http(503, '5'), http(429, '5'), http(503, new Date(NOW + 5000).toUTCString())]) {
      for (let attempt = 1; attempt < maxAttempts; attempt += 1) {
        expect(decideAfterUpload(outcome, attempt, ctx())).toMatchObject({ action: 'retry', delayMs: expect.any(Number) });
      }
      const last = decideAfterUpload(outcome, maxAttempts, ctx());
      expect(last).toMatchObject({ action: 'fail', message: expect.stringMatching(/Gave up after 8 tries/) });
    }
  });

  it('gives up after the last attempt with a specific message, and never retries a changed file', () => {
    const last = decideAfterUpload({ kind: 'network', message: 'The connection was reset during the upload.' }, 8, ctx());
    expect(last).toEqual({ action: 'fail', code: 'network', message: 'The connection was reset during the upload. Gave up after 8 tries; use Retry to try again.' });
    expect(decideAfterUpload({ kind: 'file', code: 'file_missing', message: 'gone' }, 1, ctx())).toEqual({ action: 'fail', code: 'file_missing', message: 'gone' });
    expect(decideAfterUpload({ kind: 'aborted' }, 1, ctx())).toEqual({ action: 'aborted' });
  });
});
