import { describe, expect, it } from 'vitest';
import { parsePersistedQueue } from '../../../src/core/persistence/persistedQueue';
import { trackedJob } from '../../support/sampleJob';

describe('parsePersistedQueue: where the current attempt is', () => {
  it('keeps attemptPhase across a restart (the stepper marks a failure where this attempt stopped)', () => {
    const job = trackedJob('ocr_started', 5, { attemptPhase: 'ocr_started' });
    const parsed = parsePersistedQueue(JSON.parse(JSON.stringify({ version: 1, jobs: [job], paused: false })));
    expect(parsed.queue?.jobs[0]?.server?.attemptPhase).toBe('ocr_started');
  });

  it('a queue saved before the field existed, or with an unreadable one, loads without it and undamaged', () => {
    const job = trackedJob('ai_done', 9);
    const old = parsePersistedQueue(JSON.parse(JSON.stringify({ version: 1, jobs: [job], paused: false })));
    expect(old.queue?.jobs[0]?.server).not.toHaveProperty('attemptPhase');
    const odd = parsePersistedQueue({ version: 1, jobs: [{ ...job, server: { ...job.server, attemptPhase: 42 } }], paused: false });
    expect(odd.queue?.jobs).toHaveLength(1);
    expect(odd.damaged).toBe(false);
  });
});
