/**
 * What the user reads when a control is refused (the words reach the desktop's
 * error line and the CLI), and a cancel or retry of a job the server never had:
 * it ends here at once, the server is not asked, and retry simply sends it.
 */
import { describe, expect, it } from 'vitest';
import type { QueueInputError } from '../../../src/core/queue/UploadQueue';
import { makeHarness } from './queueHarness';
import { waitFor } from './waitFor';

const refusal = (call: () => unknown): Pick<QueueInputError, 'code' | 'message'> => {
  try {
    call();
  } catch (error) {
    const { code, message } = error as QueueInputError;
    return { code, message };
  }
  throw new Error('not refused');
};

describe('UploadQueue refusals', () => {
  it('each control refused says what was wrong, with its code', async () => {
    const h = await makeHarness();
    const { queue } = await h.makeQueue();
    await queue.start();
    expect(refusal(() => queue.setConcurrency(0))).toEqual({ code: 'invalid_argument', message: 'concurrency must be a whole number from 1 to 100000 (got 0).' });
    expect(refusal(() => queue.setHistorySize(-1))).toEqual({ code: 'invalid_argument', message: 'historySize must be a whole number from 0 to 100000 (got -1).' });
    expect(refusal(() => queue.setServer({ baseUrl: 'not a url' }))).toEqual({ code: 'invalid_argument', message: 'Server URL is not a valid URL.' });
    expect(refusal(() => queue.retry('no-such-id'))).toEqual({ code: 'not_found', message: 'No such job in the queue (it may have been removed).' });
    queue.pauseAll();
    const waiting = await queue.enqueue({ chartNumber: 'WAITING', files: [await h.files.pdf('a.pdf')] });
    expect(refusal(() => queue.retry(waiting.id))).toEqual({ code: 'invalid_state', message: 'Only a failed, rejected or cancelled job can be retried (this one is queued).' });
    await expect(queue.inspect([''])).rejects.toMatchObject({ code: 'invalid_argument', message: 'Files must be given as a list of non-empty paths.' });
  });

  it('cancel of a job the server never had ends it here at once, asks the server nothing; retry sends it', async () => {
    const h = await makeHarness();
    const { queue, events } = await h.makeQueue();
    await queue.start();
    queue.pauseAll();
    const job = await queue.enqueue({ chartNumber: 'NEVER-SENT', files: [await h.files.pdf('a.pdf')] });
    const cancelling = queue.cancel(job.id);
    expect(queue.get(job.id)).toMatchObject({ stage: 'cancelled', error: null }); // before the promise settles
    await cancelling;
    expect(queue.get(job.id)).toMatchObject({ stage: 'cancelled', error: null, cancelRequested: false });
    expect(events.filter((e) => e.type === 'warning')).toEqual([]);
    expect(h.server.stats.httpRequests).toBe(0);

    queue.retry(job.id);
    expect(queue.get(job.id)).toMatchObject({ stage: 'queued', jobId: null });
    queue.resumeAll();
    const sent = await waitFor(() => queue.get(job.id)?.stage === 'tracking', 'uploaded after the retry').then(() => queue.get(job.id)!);
    expect(h.server.jobs().map((j) => [j.jobId, j.chartNumber])).toEqual([[sent.jobId, 'NEVER-SENT']]);
    expect(h.tracker.tracked.has(sent.jobId!)).toBe(true);
  });
});
