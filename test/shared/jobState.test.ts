import { describe, expect, it } from 'vitest';
import {
  applyStatusUpdate,
  initialServerJob,
  isFinal,
  type ApplyOutcome,
  type ServerJobState,
  type StatusUpdate,
} from '../../src/shared/jobState';
import { phaseRank, PIPELINE_PHASES } from '../../src/shared/phases';

const T = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const u = (phase: string, extra: Partial<StatusUpdate> = {}): StatusUpdate => ({
  jobId: 'j',
  status: phase === 'completed' ? 'completed' : phase === 'failed' ? 'failed' : 'processing',
  phase,
  message: `${phase} msg`,
  ...extra,
});

/** Applies updates in order, returning the final job and each outcome. */
function run(updates: StatusUpdate[], start: ServerJobState = initialServerJob('j')) {
  let job = start;
  const outcomes: ApplyOutcome[] = [];
  const gaps: boolean[] = [];
  for (const update of updates) {
    const result = applyStatusUpdate(job, update);
    job = result.job;
    outcomes.push(result.outcome);
    gaps.push(result.gap);
  }
  return { job, outcomes, gaps };
}

describe('phase table', () => {
  it('ranks the seven pipeline phases 1..7 and unknown as 0', () => {
    expect(PIPELINE_PHASES.map(phaseRank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(phaseRank('mystery')).toBe(0);
    expect(phaseRank('failed')).toBeGreaterThan(phaseRank('saving_results'));
  });
});

describe('applyStatusUpdate with seq', () => {
  const cases: Array<{ name: string; updates: StatusUpdate[]; phase: string; outcomes: ApplyOutcome[]; gaps?: boolean[] }> = [
    {
      name: 'in order',
      updates: [u('processing', { seq: 1, timestamp: T(1) }), u('ocr_started', { seq: 2, timestamp: T(2) })],
      phase: 'ocr_started',
      outcomes: ['applied', 'applied'],
    },
    {
      name: 'duplicate changes nothing',
      updates: [u('processing', { seq: 1, timestamp: T(1) }), u('processing', { seq: 1, timestamp: T(1) })],
      phase: 'processing',
      outcomes: ['applied', 'duplicate'],
    },
    {
      name: 'out of order: the older one is stale',
      updates: [u('ocr_started', { seq: 2, timestamp: T(2) }), u('processing', { seq: 1, timestamp: T(1) })],
      phase: 'ocr_started',
      outcomes: ['applied', 'stale'],
    },
    {
      name: 'seq wins over timestamps that disagree',
      updates: [u('ocr_started', { seq: 2, timestamp: T(9) }), u('ocr_completed', { seq: 3, timestamp: T(1) })],
      phase: 'ocr_completed',
      outcomes: ['applied', 'applied'],
    },
    {
      name: 'a gap is applied and flagged',
      updates: [u('processing', { seq: 1, timestamp: T(1) }), u('ai_started', { seq: 4, timestamp: T(4) })],
      phase: 'ai_started',
      outcomes: ['applied', 'applied'],
      gaps: [false, true],
    },
    {
      name: 'the first numbered frame is no gap, whatever its seq (nothing was known before it)',
      updates: [u('ocr_started', { seq: 5, timestamp: T(5) }), u('ocr_completed', { seq: 6, timestamp: T(6) })],
      phase: 'ocr_completed',
      outcomes: ['applied', 'applied'],
    },
    {
      name: 'a final job ignores even a frame far ahead, without calling it a gap',
      updates: [u('completed', { seq: 2, timestamp: T(2) }), u('failed', { seq: 9, timestamp: T(9) })],
      phase: 'completed',
      outcomes: ['applied', 'final'],
    },
    {
      name: 'completed is final even against a higher seq',
      updates: [u('completed', { seq: 7, timestamp: T(7) }), u('failed', { seq: 8, timestamp: T(8) })],
      phase: 'completed',
      outcomes: ['applied', 'final'],
    },
    {
      name: 'failed without willRetry is reopened by a newer update',
      updates: [u('failed', { seq: 3, timestamp: T(3) }), u('processing', { seq: 4, timestamp: T(4) })],
      phase: 'processing',
      outcomes: ['applied', 'applied'],
    },
    {
      name: 'failed is not reopened by an older update',
      updates: [u('failed', { seq: 3, timestamp: T(3) }), u('ocr_started', { seq: 2, timestamp: T(2) })],
      phase: 'failed',
      outcomes: ['applied', 'stale'],
    },
    {
      name: 'unknown phase is kept as it is',
      updates: [u('processing', { seq: 1, timestamp: T(1) }), u('virus_scan', { seq: 2, timestamp: T(2), status: 'scanning' })],
      phase: 'virus_scan',
      outcomes: ['applied', 'applied'],
    },
  ];
  it.each(cases)('$name', ({ updates, phase, outcomes, gaps }) => {
    const result = run(updates);
    expect(result.job.phase).toBe(phase);
    expect(result.outcomes).toEqual(outcomes);
    // Only a skipped seq is a gap (it makes the client fetch §2): never a stale, duplicate or final frame.
    expect(result.gaps).toEqual(gaps ?? outcomes.map(() => false));
  });
});

describe('applyStatusUpdate without seq (timestamp + rank)', () => {
  const cases: Array<{ name: string; updates: StatusUpdate[]; phase: string; outcomes: ApplyOutcome[] }> = [
    {
      name: 'newer timestamp applies',
      updates: [u('processing', { timestamp: T(1) }), u('ocr_started', { timestamp: T(2) })],
      phase: 'ocr_started',
      outcomes: ['applied', 'applied'],
    },
    {
      name: 'older timestamp is stale',
      updates: [u('ocr_started', { timestamp: T(2) }), u('processing', { timestamp: T(1) })],
      phase: 'ocr_started',
      outcomes: ['applied', 'stale'],
    },
    {
      name: 'equal timestamp, higher rank applies',
      updates: [u('ocr_started', { timestamp: T(2) }), u('ocr_completed', { timestamp: T(2) })],
      phase: 'ocr_completed',
      outcomes: ['applied', 'applied'],
    },
    {
      name: 'equal timestamp, lower rank is stale',
      updates: [u('ocr_completed', { timestamp: T(2) }), u('ocr_started', { timestamp: T(2) })],
      phase: 'ocr_completed',
      outcomes: ['applied', 'stale'],
    },
    {
      name: 'exact duplicate',
      updates: [u('ocr_started', { timestamp: T(2) }), u('ocr_started', { timestamp: T(2) })],
      phase: 'ocr_started',
      outcomes: ['applied', 'duplicate'],
    },
    {
      name: 'equal timestamp: failed outranks the phase it failed in',
      updates: [u('ai_started', { timestamp: T(5) }), u('failed', { timestamp: T(5) })],
      phase: 'failed',
      outcomes: ['applied', 'applied'],
    },
    {
      name: 'completed is final against a newer failure',
      updates: [u('completed', { timestamp: T(7) }), u('failed', { timestamp: T(8) })],
      phase: 'completed',
      outcomes: ['applied', 'final'],
    },
    {
      name: 'failed reopened by a newer timestamp',
      updates: [u('failed', { timestamp: T(4) }), u('processing', { timestamp: T(6) })],
      phase: 'processing',
      outcomes: ['applied', 'applied'],
    },
    {
      name: 'a body without timestamp only moves forward by rank',
      updates: [u('ocr_started', { timestamp: T(2) }), u('processing', {}), u('ai_started', {})],
      phase: 'ai_started',
      outcomes: ['applied', 'stale', 'applied'],
    },
    {
      name: 'only a body without time so far: a late older frame cannot move the job back',
      updates: [u('ai_started', {}), u('processing', { timestamp: T(1) }), u('ai_completed', { timestamp: T(3) })],
      phase: 'ai_completed',
      outcomes: ['applied', 'stale', 'applied'],
    },
    {
      name: 'a fresh job takes a timed update of the phase it starts in (it brings the time)',
      updates: [u('queued', { status: 'queued', timestamp: T(1) }), u('queued', { status: 'queued', timestamp: T(1) })],
      phase: 'queued',
      outcomes: ['applied', 'duplicate'],
    },
    {
      name: 'only a body without time so far: a failure the server retries is reopened',
      updates: [u('failed', { willRetry: true }), u('processing', { timestamp: T(4) })],
      phase: 'processing',
      outcomes: ['applied', 'applied'],
    },
    {
      name: 'unparseable timestamp never overrides a readable one',
      updates: [u('ocr_started', { timestamp: T(2) }), u('ai_started', { timestamp: 'yesterday' })],
      phase: 'ocr_started',
      outcomes: ['applied', 'stale'],
    },
    {
      name: 'mixed: seq-less update after a seq update falls back to timestamp',
      updates: [u('processing', { seq: 1, timestamp: T(1) }), u('ocr_started', { timestamp: T(2) })],
      phase: 'ocr_started',
      outcomes: ['applied', 'applied'],
    },
    {
      name: 'unknown status never crashes and is kept',
      updates: [u('weird', { status: 'paused', timestamp: T(1) })],
      phase: 'weird',
      outcomes: ['applied'],
    },
  ];
  it.each(cases)('$name', ({ updates, phase, outcomes }) => {
    const result = run(updates);
    expect(result.job.phase).toBe(phase);
    expect(result.outcomes).toEqual(outcomes);
  });
});

describe('retry fields and finality', () => {
  it('failed with willRetry is not final and keeps attempt info', () => {
    const { job } = run([u('failed', { seq: 4, timestamp: T(4), attempt: 1, maxAttempts: 3, willRetry: true })]);
    expect(isFinal(job)).toBe(false);
    expect(job).toMatchObject({ attempt: 1, maxAttempts: 3, willRetry: true });
  });

  it('failed without willRetry is final; a retry reopens it and clears willRetry', () => {
    const failed = run([u('failed', { seq: 4, timestamp: T(4), attempt: 3, maxAttempts: 3, willRetry: false })]).job;
    expect(isFinal(failed)).toBe(true);
    const reopened = applyStatusUpdate(failed, u('processing', { seq: 5, timestamp: T(5) })).job;
    expect(isFinal(reopened)).toBe(false);
    expect(reopened.willRetry).toBe(false);
    expect(reopened.attempt).toBe(3);
  });

  it('a failure that says nothing about retrying is final: the user is told it ended', () => {
    // Servers that send no willRetry (REST bodies of older servers) must not leave the job open forever.
    for (const update of [u('failed', { seq: 4, timestamp: T(4) }), u('failed'), { jobId: 'j', status: 'failed', phase: 'ocr' }]) {
      const { job } = run([update]);
      expect(job.willRetry).toBe(false);
      expect(isFinal(job)).toBe(true);
    }
  });

  it('completed is final', () => {
    expect(isFinal(run([u('completed', { seq: 7, timestamp: T(7) })]).job)).toBe(true);
  });

  it('cancelled (PROTOCOL.md §4) is final like completed: with seq, and without (after any phase at the same time)', () => {
    const cancelled = { status: 'cancelled', phase: 'cancelled' };
    const withSeq = run([u('ocr_started', { seq: 2, timestamp: T(2) }), u('x', { ...cancelled, seq: 3, timestamp: T(3) }), u('ai_started', { seq: 4, timestamp: T(4) })]);
    expect(withSeq.outcomes).toEqual(['applied', 'applied', 'final']);
    expect(isFinal(withSeq.job)).toBe(true);
    expect(withSeq.job).toMatchObject(cancelled);
    const noSeq = run([u('saving_results', { timestamp: T(5) }), u('x', { ...cancelled, timestamp: T(5) }), u('completed', { timestamp: T(6) })]);
    expect(noSeq.outcomes).toEqual(['applied', 'applied', 'final']);
    expect(phaseRank('cancelled')).toBe(phaseRank('failed'));
  });

  it('records when each phase was first seen, not overwritten by later sightings', () => {
    const { job } = run([
      u('processing', { seq: 1, timestamp: T(1) }),
      u('failed', { seq: 2, timestamp: T(2), willRetry: true }),
      u('processing', { seq: 3, timestamp: T(3) }),
    ]);
    expect(job.phaseSeenAt).toEqual({ processing: T(1), failed: T(2) });
  });

  it('keeps the phase the current attempt failed in, not the furthest phase any attempt reached', () => {
    const attempts = [
      ...['processing', 'ocr_started', 'ocr_completed', 'ai_started', 'ai_completed'].map((phase, i) => u(phase, { seq: i + 1, timestamp: T(i + 1) })),
      u('failed', { seq: 6, timestamp: T(6), attempt: 1, maxAttempts: 2, willRetry: true }),
      u('processing', { seq: 7, timestamp: T(7) }),
      u('ocr_started', { seq: 8, timestamp: T(8) }),
    ];
    const retrying = run(attempts.slice(0, 6)).job;
    expect(retrying.attemptPhase).toBe('ai_completed');
    const secondTry = run(attempts).job;
    expect(secondTry.attemptPhase).toBe('ocr_started');
    const failedAgain = applyStatusUpdate(secondTry, u('failed', { seq: 9, timestamp: T(9), attempt: 2, maxAttempts: 2 })).job;
    expect(failedAgain).toMatchObject({ phase: 'failed', attemptPhase: 'ocr_started' });
    // phaseSeenAt still spans the attempts: it says how far the job ever got, which is not where it failed.
    expect(Object.keys(failedAgain.phaseSeenAt)).toContain('ai_completed');
  });

  it('has no attempt phase until a pipeline phase was applied; an unknown phase keeps the last one', () => {
    expect(run([u('failed', { seq: 1, timestamp: T(1) })]).job.attemptPhase).toBeUndefined();
    expect(run([u('ocr_started', { seq: 1, timestamp: T(1) }), u('deskewing', { seq: 2, timestamp: T(2) })]).job.attemptPhase).toBe('ocr_started');
  });

  it('records an unknown phase named like an Object.prototype member', () => {
    const { job } = run([u('toString', { seq: 1, timestamp: T(1) })]);
    expect(Object.hasOwn(job.phaseSeenAt, 'toString')).toBe(true);
    expect(job.phaseSeenAt.toString).toBe(T(1));
  });

  it('never mutates its input', () => {
    const start = initialServerJob('j');
    const frozen = structuredClone(start);
    applyStatusUpdate(start, u('processing', { seq: 1, timestamp: T(1) }));
    expect(start).toEqual(frozen);
  });

  it('shuffled deliveries with duplicates always end at the highest seq, never moving back', () => {
    const seqUpdates = PIPELINE_PHASES.map((phase, i) => u(phase, { seq: i + 1, timestamp: T(i + 1) }));
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let round = 0; round < 200; round++) {
      const deliveries = [...seqUpdates, ...seqUpdates.filter(() => random() < 0.5)].sort(() => random() - 0.5);
      let job = initialServerJob('j');
      let lastRank = 0;
      for (const d of deliveries) {
        job = applyStatusUpdate(job, d).job;
        expect(phaseRank(job.phase)).toBeGreaterThanOrEqual(lastRank);
        lastRank = phaseRank(job.phase);
      }
      expect(job.phase).toBe('completed');
    }
  });
});
