import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from '../../../src/core/connection/backoff';
import { DEFAULT_CONNECTION_TIMINGS, MAX_FRAME_BYTES } from '../../../src/core/connection/timings';
import { seededRandom } from '../../support/seededRandom';

const rule = { baseMs: 1_000, capMs: 10_000 };

describe('required defaults', () => {
  it('are the numbers of DESIGN.md and PROTOCOL.md', () => {
    expect(DEFAULT_CONNECTION_TIMINGS).toMatchObject({
      backoffBaseMs: 1_000,
      backoffCapMs: 10_000,
      connectTimeoutMs: 10_000,
      healthyAfterMs: 10_000,
      watchdogMs: 45_000,
      nudgePongMs: 5_000,
      ackTimeoutMs: 10_000,
      pollIntervalMs: 3_000,
      pollMaxRequestsPerSecond: 4,
    });
    expect(MAX_FRAME_BYTES).toBe(1024 * 1024);
  });
});

describe('backoffCeiling', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 10, 100, 5000].map((n) => backoffCeiling(n, rule))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000, 10_000,
    ]);
  });

  it('treats negative and fractional attempts sanely', () => {
    expect(backoffCeiling(-3, rule)).toBe(1_000);
    expect(backoffCeiling(1.7, rule)).toBe(2_000);
  });
});

describe('backoffDelay (full jitter)', () => {
  it('maps the random draw onto [0, ceiling)', () => {
    expect(backoffDelay(0, rule, () => 0)).toBe(0);
    expect(backoffDelay(0, rule, () => 0.5)).toBe(500);
    expect(backoffDelay(3, rule, () => 0.999_999)).toBe(7_999);
    expect(backoffDelay(20, rule, () => 0.25)).toBe(2_500);
  });

  it('never leaves the envelope even for a broken random source', () => {
    expect(backoffDelay(2, rule, () => Number.NaN)).toBe(0);
    expect(backoffDelay(2, rule, () => 7)).toBe(4_000);
    expect(backoffDelay(2, rule, () => -1)).toBe(0);
  });

  it('over many draws stays inside the envelope, reaches both ends and spreads evenly', () => {
    const random = seededRandom(42);
    for (const attempt of [0, 1, 2, 3, 4, 8]) {
      const ceiling = backoffCeiling(attempt, rule);
      const draws = Array.from({ length: 20_000 }, () => backoffDelay(attempt, rule, random));
      const min = Math.min(...draws);
      const max = Math.max(...draws);
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThan(ceiling);
      expect(min).toBeLessThan(ceiling * 0.01);
      expect(max).toBeGreaterThan(ceiling * 0.99);
      // Ten equal buckets: each should hold about 10 % of the draws.
      const buckets = new Array<number>(10).fill(0);
      for (const d of draws) buckets[Math.floor((d / ceiling) * 10)]! += 1;
      for (const count of buckets) {
        expect(count).toBeGreaterThan(1_700);
        expect(count).toBeLessThan(2_300);
      }
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      expect(mean / ceiling).toBeGreaterThan(0.47);
      expect(mean / ceiling).toBeLessThan(0.53);
    }
  });
});
