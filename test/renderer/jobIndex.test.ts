/**
 * The renderer's copy of the queue: a delta costs O(changed jobs) — counted
 * with a counting comparator, not timed — and after any sequence of deltas the
 * order, filter lists and figures equal a from-scratch computation.
 */
import { describe, expect, it } from 'vitest';
import { JobIndex } from '../../src/renderer/store/jobIndex';
import { JOB_FILTERS, matchesFilter } from '../../src/renderer/store/jobList';
import { tallyOf } from '../../src/renderer/store/jobTally';
import { STAGES, isBefore, sortNewestFirst, type QueueChange, type QueueJob } from '../../src/shared/queueJob';
import { T0, job } from './jobFixtures';

function countingOrder() {
  const counter = { calls: 0 };
  const before = (a: QueueJob, b: QueueJob) => {
    counter.calls += 1;
    return isBefore(a, b);
  };
  return { counter, before };
}

const many = (n: number) => Array.from({ length: n }, (_, i) => job({ id: `j${String(i).padStart(5, '0')}`, createdAt: T0 + i, stage: 'tracking' }));

describe('JobIndex', () => {
  it('an update of one of 10,000 jobs makes no comparison and keeps the id arrays', () => {
    const { counter, before } = countingOrder();
    const index = new JobIndex(many(10_000), { isBefore: before });
    const ids = index.ids;
    const active = index.idsMatching('active');
    counter.calls = 0;
    index.apply([{ type: 'upsert', job: job({ id: 'j05000', createdAt: T0 + 5000, stage: 'tracking', updatedAt: T0 + 1 }) }]);
    expect(counter.calls).toBe(0);
    expect(index.ids).toBe(ids);
    expect(index.idsMatching('active')).toBe(active);
    expect(index.get('j05000')?.updatedAt).toBe(T0 + 1);
  });

  it('a new or removed job among 10,000 costs O(log n) comparisons, not a pass', () => {
    const { counter, before } = countingOrder();
    const index = new JobIndex(many(10_000), { isBefore: before });
    counter.calls = 0;
    index.apply([{ type: 'upsert', job: job({ id: 'middle', createdAt: T0 + 4999.5 }) }]);
    expect(counter.calls).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(10_001)));
    expect(index.ids.indexOf('middle')).toBe(5000); // newest first: 5,000 jobs are newer
    counter.calls = 0;
    index.apply([{ type: 'remove', id: 'j00007' }]);
    expect(counter.calls).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(10_001)));
    expect(index.size).toBe(10_000);
    expect(index.ids.includes('j00007')).toBe(false);
  });

  it('never changes an id array it handed out', () => {
    const index = new JobIndex(many(3));
    const handedOut = index.ids;
    index.apply([{ type: 'upsert', job: job({ id: 'new', createdAt: T0 + 10 }) }, { type: 'remove', id: 'j00000' }]);
    expect(handedOut).toEqual(['j00002', 'j00001', 'j00000']);
    expect(index.ids).toEqual(['new', 'j00002', 'j00001']);
  });

  it('a filter list changes only when its members do; tally parts keep their identity while their values hold', () => {
    const index = new JobIndex([job({ id: 'a', stage: 'tracking' }), job({ id: 'b', createdAt: T0 + 1, stage: 'failed' })]);
    const lists = Object.fromEntries(JOB_FILTERS.map((filter) => [filter, index.idsMatching(filter)]));
    const tally = index.tally;
    index.apply([{ type: 'upsert', job: job({ id: 'a', stage: 'tracking', updatedAt: T0 + 5 }) }]);
    expect(index.tally).toBe(tally);
    for (const filter of JOB_FILTERS) expect(index.idsMatching(filter)).toBe(lists[filter]);

    index.apply([{ type: 'upsert', job: job({ id: 'a', stage: 'completed' }) }]);
    expect(index.idsMatching('active')).toEqual([]);
    expect(index.idsMatching('completed')).toEqual(['a']);
    expect(index.idsMatching('failed')).toBe(lists.failed);
    expect(index.idsMatching('all')).toBe(lists.all);
    expect(index.tally.counts).toEqual({ all: 2, active: 0, completed: 1, failed: 1, blocked: 0, cancelled: 0 });
    expect(index.tally.finished).toBe(2);
  });

  it('after many random deltas, order, filters and figures equal a from-scratch computation', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const truth = new Map<string, QueueJob>();
    const index = new JobIndex();
    for (let round = 0; round < 200; round += 1) {
      const changes: QueueChange[] = [];
      for (let k = 0; k < 1 + random(6); k += 1) {
        const id = `j${random(60)}`;
        if (random(5) === 0) {
          changes.push({ type: 'remove', id });
          truth.delete(id);
          continue;
        }
        const stage = STAGES[random(STAGES.length)]!;
        const uploading = stage === 'uploading';
        // createdAt collides on purpose: the id then decides the order.
        const next = job({
          id,
          createdAt: truth.get(id)?.createdAt ?? T0 + random(20),
          stage,
          nextUploadAt: stage === 'queued' && random(2) === 0 ? T0 + 8000 : null,
          upload: uploading ? { sentBytes: random(1000), totalBytes: 1000 + random(1000), bytesPerSecond: random(500), etaSeconds: null } : null,
        });
        changes.push({ type: 'upsert', job: next });
        truth.set(id, next);
      }
      index.apply(changes);
      const expected = sortNewestFirst([...truth.values()]);
      expect(index.ids).toEqual(expected.map((j) => j.id));
      for (const filter of JOB_FILTERS) expect(index.idsMatching(filter)).toEqual(expected.filter((j) => matchesFilter(j, filter)).map((j) => j.id));
      expect(index.tally).toEqual(tallyOf(truth.values()));
    }
  });
});
