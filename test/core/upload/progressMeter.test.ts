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
});
