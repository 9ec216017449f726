/**
 * "Already sent?": the queue's inspect hashes each accepted file (streamed) and
 * names the newest job of the queue or its history that sent the same content,
 * or says the drop holds it twice. Real files, real queue, real reference server.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256OfFile } from '../../../src/core/files/contentHash';
import { makePdf } from '../../support/files';
import { makeHarness } from './queueHarness';

describe('already sent', () => {
  it('hashes a file as a stream: the same digest as hashing the bytes at once, across many chunks', async () => {
    const h = await makeHarness();
    const bytes = makePdf(3, 3_500_000); // more than three 1 MiB chunks
    const path = await h.files.file('big.pdf', bytes);
    expect(await sha256OfFile(path)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('warns about content sent before (newest job, its chart and time) and about a file twice in one drop; sending is not refused', async () => {
    const h = await makeHarness();
    const { queue } = await h.makeQueue();
    await queue.start();
    const original = await h.files.file('scan.pdf', makePdf(2));
    const fresh = await queue.inspect([original]);
    expect(fresh.seenBefore).toEqual([]);
    const job = await queue.enqueue({ chartNumber: 'CH-1', files: [original] });
    expect(job.files[0]?.sha256).toBe(await sha256OfFile(original)); // recorded from the check, for later drops

    const copy = await h.files.file('scan-copy.pdf', makePdf(2)); // same bytes under another name
    const other = await h.files.file('other.pdf', makePdf(5));
    const otherAgain = await h.files.file('other-again.pdf', makePdf(5));
    const checked = await queue.inspect([copy, other, otherAgain]);
    expect(checked.accepted).toHaveLength(3);
    expect(checked.seenBefore).toEqual([
      { path: copy, sentAt: job.createdAt, chartNumber: 'CH-1', twiceInDrop: false },
      { path: other, sentAt: null, chartNumber: null, twiceInDrop: true },
      { path: otherAgain, sentAt: null, chartNumber: null, twiceInDrop: true },
    ]);
    // A warning, not a block: the copy is sent again under another chart.
    const again = await queue.enqueue({ chartNumber: 'CH-2', files: [copy] });
    expect(again.stage).toMatch(/^(queued|uploading)$/);
    // The newest job with that content is the one named now.
    const third = await queue.inspect([original]);
    expect(third.seenBefore).toEqual([{ path: original, sentAt: again.createdAt, chartNumber: 'CH-2', twiceInDrop: false }]);
  });
});
