/**
 * JobIntake with a store that fails: every job waiting for the write is told,
 * so enqueue refuses them instead of hanging (see jobIntake.test.ts for groups).
 */
import { describe, expect, it } from 'vitest';
import { JobIntake } from '../../../src/core/queue/jobIntake';
import { FakeClock } from '../../support/fakeClock';

describe('JobIntake, failed writes', () => {
  it('a store that throws instead of rejecting still answers every waiter with its error', async () => {
    const broken = new Error('EROFS: read-only file system');
    const intake = new JobIntake({
      clock: new FakeClock(),
      save: () => {
        throw broken;
      },
      booked: () => 1,
    });
    await expect(intake.commit(1)).rejects.toBe(broken);
  });

  it('a store that rejects answers every waiter with its error', async () => {
    const broken = new Error('ENOSPC: no space left on device');
    const intake = new JobIntake({ clock: new FakeClock(), save: () => Promise.reject(broken), booked: () => 1 });
    await expect(intake.commit(1)).rejects.toBe(broken);
  });
});
