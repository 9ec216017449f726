import { describe, expect, it } from 'vitest';
import { Poller } from '../../../src/core/connection/poller';
import { FakeClock } from '../../support/fakeClock';
import { seededRandom } from './seededRandom';

/** Lets the poller's `read(...).finally` callbacks run between fake-time steps. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

async function run(clock: FakeClock, ms: number, stepMs = 10): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    clock.advance(stepMs);
    await settle();
  }
}

function makePoller(charts: Set<string>, clock: FakeClock, reads: Array<{ chart: string; at: number }>) {
  return new Poller({
    clock,
    random: seededRandom(7),
    intervalMs: 3_000,
    maxRequestsPerSecond: 4,
    charts: () => charts,
    read: async (chart) => {
      reads.push({ chart, at: clock.monotonic() });
    },
  });
}

describe('Poller', () => {
  it('reads each chart at most every 3 s and all charts together at most 4 per second', async () => {
    const clock = new FakeClock();
    const charts = new Set(Array.from({ length: 30 }, (_, i) => `C${i}`));
    const reads: Array<{ chart: string; at: number }> = [];
    const poller = makePoller(charts, clock, reads);
    poller.start();
    await run(clock, 60_000);
    poller.stop();

    // 30 charts at 4/s: the rate limit, not the interval, is the bottleneck.
    expect(reads.length).toBeGreaterThan(150);
    expect(reads.length).toBeLessThanOrEqual(241);
    for (let i = 1; i < reads.length; i += 1) expect(reads[i]!.at - reads[i - 1]!.at).toBeGreaterThanOrEqual(250);
    for (let i = 4; i < reads.length; i += 1) expect(reads[i]!.at - reads[i - 4]!.at).toBeGreaterThanOrEqual(1_000);
    const last = new Map<string, number>();
    for (const read of reads) {
      const previous = last.get(read.chart);
      if (previous !== undefined) expect(read.at - previous).toBeGreaterThanOrEqual(3_000);
      last.set(read.chart, read.at);
    }
    // Every chart got its turn, and fairly.
    const perChart = [...charts].map((c) => reads.filter((r) => r.chart === c).length);
    expect(Math.min(...perChart)).toBeGreaterThanOrEqual(Math.max(...perChart) - 2);
  });

  it('few charts: each one is read about every 3 s, not faster, with jitter', async () => {
    const clock = new FakeClock();
    const reads: Array<{ chart: string; at: number }> = [];
    const poller = makePoller(new Set(['A', 'B']), clock, reads);
    poller.start();
    await run(clock, 30_000);
    poller.stop();
    const gaps = reads
      .filter((r) => r.chart === 'A')
      .map((r, i, all) => (i === 0 ? null : r.at - all[i - 1]!.at))
      .filter((g): g is number => g !== null);
    expect(gaps.length).toBeGreaterThanOrEqual(7);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(3_000);
      expect(gap).toBeLessThanOrEqual(3_000 * 1.2 + 20);
    }
    expect(new Set(gaps).size).toBeGreaterThan(1);
  });

  it('stop() leaves no timer and reads nothing more; charts that closed are not read', async () => {
    const clock = new FakeClock();
    const charts = new Set(['A', 'B']);
    const reads: Array<{ chart: string; at: number }> = [];
    const poller = makePoller(charts, clock, reads);
    poller.start();
    await run(clock, 5_000);
    charts.delete('B');
    const before = reads.length;
    await run(clock, 10_000);
    expect(reads.slice(before).every((r) => r.chart === 'A')).toBe(true);
    poller.stop();
    expect(poller.pendingTimers).toBe(0);
    expect(clock.pending).toBe(0);
    const stopped = reads.length;
    await run(clock, 10_000);
    expect(reads.length).toBe(stopped);
  });

  it('aborts a read in flight when stopped', async () => {
    const clock = new FakeClock();
    let seen: AbortSignal | undefined;
    const poller = new Poller({
      clock,
      random: () => 0,
      intervalMs: 3_000,
      maxRequestsPerSecond: 4,
      charts: () => ['A'],
      read: (_chart, signal) => {
        seen = signal;
        return new Promise(() => undefined);
      },
    });
    poller.start();
    clock.advance(1);
    expect(seen?.aborted).toBe(false);
    poller.stop();
    expect(seen?.aborted).toBe(true);
  });
});
