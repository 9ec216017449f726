/** The first snapshot of a long history: the newest jobs and every job under way, the rest only counted. */
import { describe, expect, it } from 'vitest';
import { FIRST_SCREEN_JOBS, firstScreenOf } from '../../src/shared/firstScreen';
import type { QueueSnapshot } from '../../src/shared/ipc';
import { isBefore, sortNewestFirst, type QueueJob, type Stage } from '../../src/shared/queueJob';
import { sampleJob as job } from '../support/sampleJob';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');

const snapshotOf = (jobs: QueueJob[]): QueueSnapshot => ({ jobs, connection: { state: 'connected', reason: 'test' }, paused: true, demoServer: false });
const FINISHED: Stage[] = ['completed', 'failed', 'cancelled', 'rejected', 'blocked'];
/** `count` finished jobs, one second apart, in no particular order (the queue's order is not the list's). */
const history = (count: number): QueueJob[] =>
  Array.from({ length: count }, (_, i) => job({ id: `h${String(i).padStart(5, '0')}`, createdAt: T0 + ((i * 7919) % count) * 1000, stage: FINISHED[i % FINISHED.length] }));

describe('firstScreenOf', () => {
  it('answers the snapshot itself when nothing would be left out', () => {
    const small = snapshotOf(history(FIRST_SCREEN_JOBS));
    expect(firstScreenOf(small)).toBe(small);
    // Past the first screen, but every older job is still under way: all of them are needed.
    const busy = snapshotOf([...history(FIRST_SCREEN_JOBS), ...Array.from({ length: 20 }, (_, i) => job({ id: `q${i}`, createdAt: T0 - 1000 - i, stage: 'queued' }))]);
    expect(firstScreenOf(busy)).toBe(busy);
  });

  it('keeps the newest jobs and every job under way; counts the rest by stage, with its newest job', () => {
    const old = { createdAt: T0 - 86_400_000 };
    const underWay = [
      job({ ...old, id: 'old-uploading', stage: 'uploading' }),
      job({ ...old, id: 'old-tracking', stage: 'tracking' }),
      // Finished but counting down: a figure the page keeps (countingDown) needs it.
      job({ ...old, id: 'old-countdown', stage: 'failed', nextUploadAt: T0 }),
    ];
    const jobs = [...history(10_000), ...underWay];
    const snapshot = snapshotOf(jobs);
    const first = firstScreenOf(snapshot);

    const newest = sortNewestFirst(jobs).slice(0, FIRST_SCREEN_JOBS);
    expect(first.jobs.slice(0, FIRST_SCREEN_JOBS)).toEqual(newest);
    expect(first.jobs.slice(FIRST_SCREEN_JOBS).map((j) => j.id).sort()).toEqual(underWay.map((j) => j.id).sort());
    expect(first).toMatchObject({ connection: snapshot.connection, paused: true, demoServer: false });

    const kept = new Set(first.jobs.map((j) => j.id));
    const left = jobs.filter((j) => !kept.has(j.id));
    const byStage: Partial<Record<Stage, number>> = {};
    for (const j of left) byStage[j.stage] = (byStage[j.stage] ?? 0) + 1;
    expect(first.rest?.stages).toEqual(byStage);
    expect(left).toHaveLength(10_000 - FIRST_SCREEN_JOBS);
    // `newest` is the newest job left out, and bounds every job left out from above.
    const newestLeft = sortNewestFirst(left)[0] as QueueJob;
    expect(first.rest?.newest).toEqual({ id: newestLeft.id, createdAt: newestLeft.createdAt });
    expect(left.every((j) => !isBefore(j, newestLeft))).toBe(true);
    expect(first.jobs.slice(0, FIRST_SCREEN_JOBS).every((j) => isBefore(j, newestLeft))).toBe(true);
    // The snapshot main holds is not changed.
    expect(snapshot.jobs).toBe(jobs);
    expect(snapshot.rest).toBeUndefined();
  });
});
