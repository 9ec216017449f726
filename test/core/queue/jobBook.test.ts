/**
 * The queue's jobs in memory: a job not yet on disk is shown to no one, a
 * server job id finds its local job even when two local jobs shared it, and
 * trimming the history never touches a job still on its way.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/base/logger';
import { ChangeStream } from '../../../src/core/queue/changeStream';
import { JobBook } from '../../../src/core/queue/jobBook';
import type { QueueChange, QueueJob } from '../../../src/shared/queueJob';
import { FakeClock } from '../../support/fakeClock';
import { sampleJob } from '../../support/sampleJob';

function setUp() {
  const changes = new ChangeStream(silentLogger);
  const seen: QueueChange[] = [];
  changes.subscribe((batch) => seen.push(...batch));
  let dirty = 0;
  const book = new JobBook(changes, new FakeClock(), () => void dirty++);
  const settled = async (): Promise<QueueChange[]> => {
    await Promise.resolve();
    return seen.splice(0);
  };
  return { book, settled, dirty: () => dirty };
}

describe('JobBook', () => {
  it('a job being written is shown once it is on disk, not before; publishing a job no longer there shows nothing', async () => {
    const { book, settled } = setUp();
    const job = sampleJob({ id: 'new' });
    book.addPending(job);
    book.update(job, { stage: 'uploading' });
    expect(await settled()).toEqual([]);
    expect(book.get('new')).toBeUndefined();
    expect(book.size).toBe(1); // counted for the write that holds it

    expect(book.publish('new')?.stage).toBe('uploading');
    expect(await settled()).toEqual([{ type: 'upsert', job: book.get('new') }]);

    expect(book.publish('never-added')).toBeUndefined();
    expect(await settled()).toEqual([]);
  });

  it('a change not to be saved (save false) does not mark the queue for writing', () => {
    const { book, dirty } = setUp();
    const job = book.restore(sampleJob({ id: 'a' }));
    book.update(job, { stage: 'uploading' }, false);
    expect(dirty()).toBe(0);
    book.update(book.get('a')!, { stage: 'tracking' });
    expect(dirty()).toBe(1);
  });

  it('when two local jobs knew the same server job, the older one moving on or leaving keeps the newer one found', () => {
    const { book } = setUp();
    const older = book.restore(sampleJob({ id: 'older', stage: 'failed', jobId: 'srv-1' }));
    const newer = book.restore(sampleJob({ id: 'newer', stage: 'tracking', jobId: 'srv-1' }));
    expect(book.byServerJobId('srv-1')?.id).toBe('newer');

    const retried = book.update(older, { stage: 'queued', jobId: null });
    expect(book.byServerJobId('srv-1')?.id).toBe('newer');
    book.drop(retried);
    book.drop({ ...older }); // as saved with its old id
    expect(book.byServerJobId('srv-1')?.id).toBe('newer');

    // The job's own link goes with it.
    book.update(newer, { jobId: 'srv-2' });
    expect(book.byServerJobId('srv-1')).toBeUndefined();
    expect(book.byServerJobId('srv-2')?.id).toBe('newer');
  });

  it('trimming the history drops only the oldest finished jobs, never one still on its way', () => {
    const { book } = setUp();
    const stages: QueueJob['stage'][] = ['completed', 'queued', 'failed', 'tracking', 'cancelled', 'uploading'];
    stages.forEach((stage, i) => book.restore(sampleJob({ id: `j${i}`, stage })));
    book.trimFinished(1);
    expect(book.durable().map((j) => [j.id, j.stage])).toEqual([
      ['j1', 'queued'],
      ['j3', 'tracking'],
      ['j4', 'cancelled'],
      ['j5', 'uploading'],
    ]);
  });
});

describe('JobBook.takeChanges (what the next save writes)', () => {
  it('holds every job added, replaced or dropped since it was last taken — saved or not, silent or not — as it is now; restored jobs are on disk already', () => {
    const { book } = setUp();
    const restored = book.restore(sampleJob({ id: 'restored' }));
    expect(book.takeChanges()).toEqual(new Map());

    const pending = sampleJob({ id: 'pending' });
    book.addPending(pending);
    const moved = book.update(restored, { stage: 'completed' }, false);
    const leaving = book.restore(sampleJob({ id: 'leaving' }));
    const quiet = book.restore(sampleJob({ id: 'quiet' }));
    book.drop(leaving);
    book.drop(quiet, { silent: true });
    expect(book.takeChanges()).toEqual(
      new Map<string, QueueJob | null>([
        ['pending', pending],
        ['restored', moved],
        ['leaving', null],
        ['quiet', null],
      ]),
    );
    // Taken: the next save starts from nothing; a job changed twice since is there once, as it is now.
    expect(book.takeChanges()).toEqual(new Map());
    const once = book.update(moved, { stage: 'failed' });
    const twice = book.update(once, { stage: 'queued' });
    expect(book.takeChanges()).toEqual(new Map([['restored', twice]]));
  });
});
