import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/base/logger';
import { systemClock } from '../../../src/core/clock';

describe('systemClock (production time)', () => {
  it('tells wall-clock and monotonic time', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    const a = systemClock.monotonic();
    const b = systemClock.monotonic();
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - performance.now())).toBeLessThan(1000);
  });

  it('runs a timer, and not one that was cleared', async () => {
    const fired: string[] = [];
    const cleared = systemClock.setTimeout(() => fired.push('cleared'), 1);
    systemClock.clearTimeout(cleared);
    // Node runs timers in deadline order: when the later one fires, the cleared one would have.
    await new Promise<void>((resolve) => systemClock.setTimeout(() => { fired.push('kept'); resolve(); }, 5));
    expect(fired).toEqual(['kept']);
  });
});

describe('silentLogger', () => {
  it('takes every level without a word', () => {
    expect(() => {
      silentLogger.debug('d');
      silentLogger.info('i', { n: 1 });
      silentLogger.warn('w');
      silentLogger.error('e');
    }).not.toThrow();
  });
});
