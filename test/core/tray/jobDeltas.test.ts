import { describe, expect, it } from 'vitest';
import { JobDeltas } from '../../../src/core/tray/jobDeltas';
import { PageFeed } from '../../../src/core/tray/pageFeed';
import { FakeClock } from '../../support/fakeClock';
import type { QueueJob } from '../../../src/shared/queueJob';
import { trackedJob } from '../../support/sampleJob';

const upsert = (job: QueueJob) => ({ type: 'upsert' as const, job });

describe('JobDeltas', () => {
  it('a job goes whole the first time, then as its changed fields; an unchanged job not at all', () => {
    const deltas = new JobDeltas();
    const first = trackedJob('ocr_started', 1);
    expect(deltas.encode([upsert(first)])).toEqual([upsert(first)]);
    const next = { ...first, server: { ...first.server!, seq: 2 } };
    expect(deltas.encode([upsert(next)])).toEqual([{ type: 'patch', id: first.id, fields: [{ path: ['server', 'seq'], value: 2 }] }]);
    expect(deltas.encode([upsert(next), upsert({ ...next })])).toEqual([]);
  });

  it('after a remove the job is forgotten: if it came back it would go whole again', () => {
    const deltas = new JobDeltas();
    const job = trackedJob('ocr_started', 1);
    deltas.encode([upsert(job)]);
    expect(deltas.encode([{ type: 'remove', id: job.id }])).toEqual([{ type: 'remove', id: job.id }]);
    expect(deltas.encode([upsert(job)])).toEqual([upsert(job)]);
  });

  it('a status update crosses as a small fraction of the whole job', () => {
    const deltas = new JobDeltas();
    let job = trackedJob('ocr_started', 1);
    deltas.encode([upsert(job)]);
    job = { ...job, updatedAt: 2, server: { ...job.server!, seq: 2, message: 'Reading page 2 of 9', timestamp: '2026-12-02T06:00:00.000Z' } };
    const sent = JSON.stringify(deltas.encode([upsert(job)]));
    expect(sent.length).toBeLessThan(JSON.stringify([upsert(job)]).length / 2);
  });
});

describe('PageFeed', () => {
  it('one batch per frame with deltas; "whole" sends the same batches with every job whole (the bench\'s before path)', () => {
    const clock = new FakeClock();
    const sent: Record<'delta' | 'whole', unknown[][]> = { delta: [], whole: [] };
    const feeds = (['delta', 'whole'] as const).map((encoding) => new PageFeed({ clock, encoding, send: (batch) => sent[encoding].push(batch) }));
    const first = trackedJob('ocr_started', 1);
    const second = { ...first, server: { ...first.server!, seq: 2 } };
    for (const feed of feeds) feed.push([upsert(first)]);
    clock.advance(16);
    for (const feed of feeds) feed.push([upsert(second)]);
    for (const feed of feeds) feed.push([upsert({ ...second, updatedAt: 7 })]);
    expect(sent.delta).toHaveLength(1);
    clock.advance(16);
    expect(sent.delta).toEqual([[upsert(first)], [{ type: 'patch', id: first.id, fields: [{ path: ['updatedAt'], value: 7 }, { path: ['server', 'seq'], value: 2 }] }]]);
    expect(sent.whole).toEqual([[upsert(first)], [upsert({ ...second, updatedAt: 7 })]]);
    for (const feed of feeds) feed.dispose();
  });

  it('keeps the interval it is given; a batch with nothing new for the page is not sent at all', () => {
    const clock = new FakeClock();
    const sent: unknown[][] = [];
    const feed = new PageFeed({ clock, intervalMs: 100, send: (batch) => sent.push(batch) });
    const job = trackedJob('ocr_started', 1);
    feed.push([upsert(job)]);
    clock.advance(0);
    expect(sent).toEqual([[upsert(job)]]);
    feed.push([upsert({ ...job })]); // the same values again: no delta
    clock.advance(100);
    expect(sent).toHaveLength(1);
    feed.push([upsert({ ...job, updatedAt: 5 })]);
    clock.advance(99);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    expect(sent).toEqual([[upsert(job)], [{ type: 'patch', id: job.id, fields: [{ path: ['updatedAt'], value: 5 }] }]]);
    feed.dispose();
  });

  it('flush() sends what is held at once (before the page gets a snapshot); after dispose() nothing held is sent', () => {
    const clock = new FakeClock();
    const sent: unknown[][] = [];
    const feed = new PageFeed({ clock, send: (batch) => sent.push(batch) });
    const job = trackedJob('ocr_started', 1);
    feed.push([upsert(job)]);
    feed.flush();
    expect(sent).toEqual([[upsert(job)]]);
    feed.push([upsert({ ...job, updatedAt: 9 })]);
    feed.dispose();
    clock.advance(1000);
    expect(sent).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });
});
