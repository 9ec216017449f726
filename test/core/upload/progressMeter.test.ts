import { describe, expect, it } from 'vitest';
import { ProgressMeter } from '../../../src/core/upload/progressMeter';

describe('ProgressMeter', () => {
  it('publishes at most once per interval (≤ 10/s at 100 ms), always the last byte, with speed and ETA', () => {
    let now = 0;
    const meter = new ProgressMeter(100, () => now);
    const published: Array<ReturnType<ProgressMeter['sample']>> = [];
    // 1 MB/s in 1 KB chunks every millisecond, for 2 s.
    for (let ms = 0; ms <= 2000; ms += 1) {
      now = ms;
      const progress = meter.sample(ms * 1000, 4_000_000);
      if (progress !== null) published.push(progress);
    }
    expect(published.length).toBeGreaterThanOrEqual(19);
    expect(published.length).toBeLessThanOrEqual(21);
    const last = published.at(-1)!;
    expect(last.sentBytes).toBe(2_000_000);
    expect(last.bytesPerSecond).toBeGreaterThan(950_000);
    expect(last.bytesPerSecond).toBeLessThan(1_050_000);
    expect(last.etaSeconds).toBe(2);

    now = 2001;
    expect(meter.sample(4_000_000, 4_000_000)).toMatchObject({ sentBytes: 4_000_000, etaSeconds: 0 });
  });

  it('reports the recent speed, not the whole-upload average, and an unknown ETA while nothing moves', () => {
    let now = 0;
    const meter = new ProgressMeter(100, () => now);
    expect(meter.sample(0, 1000)).toMatchObject({ bytesPerSecond: 0, etaSeconds: null });
    for (let s = 1; s <= 10; s += 1) {
      now = s * 1000;
      meter.sample(s * 10_000_000, 1e12); // fast for 10 s
    }
    for (let s = 11; s <= 15; s += 1) {
      now = s * 1000;
      meter.sample(100_000_000 + (s - 10) * 1000, 1e12); // then 1 KB/s
    }
    now = 15_100;
    const slow = meter.sample(100_005_100, 1e12)!;
    expect(slow.bytesPerSecond).toBeLessThan(10_000);
  });

  it('smooths the speed over the last 3 s: a burst in the last 100 ms does not read as the new speed', () => {
    let now = 10_000;
    const meter = new ProgressMeter(0, () => now);
    for (const [at, sent] of [
      [10_000, 0],
      [11_000, 1000],
      [12_000, 2000],
      [12_500, 2500],
    ] as const) {
      now = at;
      meter.sample(sent, 1e9);
    }
    now = 12_600;
    // 102 500 bytes over the 2.6 s since the first sample, not 100 000 bytes over the last 0.1 s.
    expect(meter.sample(102_500, 1e9)).toMatchObject({ bytesPerSecond: 39_423 });
  });

  it('still knows the speed when reports come further apart than the 3 s window', () => {
    let now = 10_000;
    const meter = new ProgressMeter(100, () => now);
    meter.sample(0, 100_000);
    now = 15_000;
    expect(meter.sample(50_000, 100_000)).toEqual({ sentBytes: 50_000, totalBytes: 100_000, bytesPerSecond: 10_000, etaSeconds: 5 });
  });

  it('a finished upload has nothing left (ETA 0), even when it finished at its first report', () => {
    const meter = new ProgressMeter(100, () => 5000);
    expect(meter.sample(500, 500)).toEqual({ sentBytes: 500, totalBytes: 500, bytesPerSecond: 0, etaSeconds: 0 });
  });
});
