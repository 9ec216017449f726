import { describe, expect, it } from 'vitest';
import { ChangeBatcher, DEFAULT_BATCH_INTERVAL_MS } from '../../../src/core/tray/changeBatcher';
import type { QueueChange } from '../../../src/shared/queueJob';
import { FakeClock } from '../../support/fakeClock';
import { makeJob } from '../../main/fixtures/jobs';

function setup() {
  const clock = new FakeClock();
  const delivered: QueueChange[][] = [];
  const batcher = new ChangeBatcher({ clock, deliver: (changes) => delivered.push(changes) });
  return { clock, delivered, batcher };
}

describe('ChangeBatcher', () => {
  it('uses one animation frame (16 ms) by default', () => {
    expect(DEFAULT_BATCH_INTERVAL_MS).toBe(16);
  });

  it('delivers changes pushed in one tick as one message', () => {
    const { clock, delivered, batcher } = setup();
    batcher.push([{ type: 'upsert', job: makeJob('queued', { id: 'a' }) }]);
    batcher.push([{ type: 'upsert', job: makeJob('queued', { id: 'b' }) }]);
    expect(delivered).toHaveLength(0);
    clock.advance(0);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.map((c) => (c.type === 'upsert' ? c.job.id : c.id))).toEqual(['a', 'b']);
  });

  it('sends at most one message per 16 ms under a flood of changes', () => {
    const { clock, delivered, batcher } = setup();
    const deliveredAt: number[] = [];
    const timed = new ChangeBatcher({ clock, deliver: (c) => (delivered.push(c), deliveredAt.push(clock.monotonic())) });
    for (let ms = 0; ms < 1_000; ms++) {
      timed.push([{ type: 'upsert', job: makeJob('uploading', { id: `j${ms % 7}` }) }]);
      clock.advance(1);
    }
    clock.advance(100);
    for (let i = 1; i < deliveredAt.length; i++) expect(deliveredAt[i]! - deliveredAt[i - 1]!).toBeGreaterThanOrEqual(16);
    expect(delivered.length).toBeGreaterThan(50); // it does keep flowing: ~1000/16
    expect(delivered.length).toBeLessThanOrEqual(Math.ceil(1_100 / 16) + 1);
    batcher.dispose();
  });

  it('keeps the last upsert per job and lets a remove win', () => {
    const { clock, delivered, batcher } = setup();
    batcher.push([
      { type: 'upsert', job: makeJob('queued', { id: 'a' }) },
      { type: 'upsert', job: makeJob('uploading', { id: 'a' }) },
      { type: 'upsert', job: makeJob('queued', { id: 'b' }) },
      { type: 'remove', id: 'b' },
      { type: 'upsert', job: makeJob('queued', { id: 'b' }) },
    ]);
    clock.advance(16);
    expect(delivered).toEqual([[{ type: 'upsert', job: expect.objectContaining({ id: 'a', stage: 'uploading' }) }, { type: 'remove', id: 'b' }]]);
  });

  it('flush() delivers at once; dispose() drops pending changes and leaves no timer', () => {
    const { clock, delivered, batcher } = setup();
    batcher.push([{ type: 'remove', id: 'x' }]);
    batcher.flush();
    expect(delivered).toHaveLength(1);
    expect(clock.pending).toBe(0);
    batcher.push([{ type: 'remove', id: 'y' }]);
    expect(clock.pending).toBe(1);
    batcher.dispose();
    expect(clock.pending).toBe(0);
    clock.advance(1_000);
    batcher.push([{ type: 'remove', id: 'z' }]);
    expect(delivered).toHaveLength(1);
  });
});
