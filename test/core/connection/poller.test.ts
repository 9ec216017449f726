import { describe, expect, it } from 'vitest';
import { Poller } from '../../../src/core/connection/poller';
import { FakeClock } from '../../support/fakeClock';
import { seededRandom } from '../../support/seededRandom';

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

  describe('when it looks again', () => {
    /** A poller over `charts` whose reads stay open until the test answers them. */
    function slowPoller(charts: Set<string>, clock: FakeClock) {
      const reads: Array<{ chart: string; at: number; signal: AbortSignal; answer: () => void }> = [];
      const poller = new Poller({
        clock,
        random: () => 0,
        intervalMs: 3_000,
        maxRequestsPerSecond: 4,
        charts: () => charts,
        read: (chart, signal) =>
          new Promise<void>((resolve) => {
            reads.push({ chart, at: clock.monotonic(), signal, answer: resolve });
          }),
      });
      return { poller, reads };
    }

    it('start() while running changes nothing: stop() still aborts the read already in flight', async () => {
      const clock = new FakeClock();
      const { poller, reads } = slowPoller(new Set(['A']), clock);
      poller.start();
      clock.advance(1);
      expect(reads).toHaveLength(1);
      poller.start();
      poller.stop();
      expect(reads[0]!.signal.aborted).toBe(true);
      expect(clock.pending).toBe(0);
    });

    it('a read that answers after stop() wakes nothing: no timer, no further read', async () => {
      const clock = new FakeClock();
      const { poller, reads } = slowPoller(new Set(['A']), clock);
      poller.start();
      clock.advance(0);
      poller.stop();
      reads[0]!.answer();
      await settle();
      expect(clock.pending).toBe(0);
      await run(clock, 10_000);
      expect(reads).toHaveLength(1);
    });

    it('kick() on a stopped poller reads nothing and leaves no timer', async () => {
      const clock = new FakeClock();
      const reads: Array<{ chart: string; at: number }> = [];
      const poller = makePoller(new Set(['A']), clock, reads);
      poller.kick();
      expect(clock.pending).toBe(0);
      await run(clock, 10_000);
      expect(reads).toEqual([]);
    });

    it('with no open chart it sets no timer at all; a chart opened and kicked is read at once', async () => {
      const clock = new FakeClock();
      const charts = new Set<string>();
      const reads: Array<{ chart: string; at: number }> = [];
      const poller = makePoller(charts, clock, reads);
      poller.start();
      await run(clock, 5_000);
      expect(poller.running).toBe(true);
      expect(clock.pending).toBe(0);
      charts.add('A');
      poller.kick();
      clock.advance(0);
      await settle();
      expect(reads).toEqual([{ chart: 'A', at: 5_000 }]);
      poller.stop();
    });

    it('reads a chart once at a time; a read that outlasts the interval is followed by the next one as it ends', async () => {
      const clock = new FakeClock();
      const { poller, reads } = slowPoller(new Set(['A']), clock);
      poller.start();
      clock.advance(0);
      expect(reads.map((r) => r.at)).toEqual([0]);
      // Due again at 3 s, but the first read is still open: no second request beside it.
      await run(clock, 3_500);
      expect(reads).toHaveLength(1);
      reads[0]!.answer();
      await settle();
      clock.advance(0);
      expect(reads.map((r) => r.at)).toEqual([0, 3_500]);
      poller.stop();
    });

    it('reads slower than the spacing do not slow the others: charts are still read at the request rate', async () => {
      const clock = new FakeClock();
      const { poller, reads } = slowPoller(new Set(['A', 'B', 'C', 'D']), clock);
      clock.advance(60_000);
      poller.start();
      await run(clock, 1_000, 1);
      expect(reads.map((r) => [r.chart, r.at])).toEqual([
        ['A', 60_000],
        ['B', 60_250],
        ['C', 60_500],
        ['D', 60_750],
      ]);
      poller.stop();
    });

    it('a chart opened while the only read is in flight is read when that read ends, without a kick', async () => {
      const clock = new FakeClock();
      const charts = new Set(['A']);
      const { poller, reads } = slowPoller(charts, clock);
      poller.start();
      clock.advance(0);
      charts.delete('A');
      await run(clock, 1_000);
      charts.add('B');
      reads[0]!.answer();
      await settle();
      clock.advance(0);
      expect(reads.map((r) => [r.chart, r.at])).toEqual([
        ['A', 0],
        ['B', 1_000],
      ]);
      poller.stop();
    });

    it('a chart that closes and opens again is read at once, not at its old turn', async () => {
      const clock = new FakeClock();
      const charts = new Set(['A']);
      const reads: Array<{ chart: string; at: number }> = [];
      const poller = makePoller(charts, clock, reads);
      poller.start();
      await run(clock, 500);
      charts.delete('A');
      poller.kick();
      await run(clock, 500);
      charts.add('A');
      poller.kick();
      await run(clock, 10);
      expect(reads.map((r) => r.at)).toEqual([0, 1_000]);
      poller.stop();
    });

    it('charts that are equally due are read in the order they opened', async () => {
      const clock = new FakeClock();
      const reads: Array<{ chart: string; at: number }> = [];
      const poller = makePoller(new Set(['A', 'B', 'C']), clock, reads);
      poller.start();
      await run(clock, 1_000);
      expect(reads.map((r) => r.chart)).toEqual(['A', 'B', 'C']);
      poller.stop();
    });

    it('a read that stops the poller as it starts leaves it stopped, with no timer', async () => {
      const clock = new FakeClock();
      const reads: string[] = [];
      const poller: Poller = new Poller({
        clock,
        random: () => 0,
        intervalMs: 3_000,
        maxRequestsPerSecond: 4,
        charts: () => ['A', 'B'],
        read: async (chart) => {
          reads.push(chart);
          poller.stop();
        },
      });
      poller.start();
      clock.advance(0);
      expect(poller.running).toBe(false);
      expect(clock.pending).toBe(0);
      await run(clock, 10_000);
      expect(reads).toEqual(['A']);
    });
  });
});
