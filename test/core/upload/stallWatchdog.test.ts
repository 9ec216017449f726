import { describe, expect, it } from 'vitest';
import { StallWatchdog } from '../../../src/core/upload/stallWatchdog';
import { FakeClock } from '../../support/fakeClock';

function watch(stallMs: number) {
  const clock = new FakeClock();
  let stalls = 0;
  const watchdog = new StallWatchdog(clock, stallMs, () => (stalls += 1));
  return { clock, watchdog, stalls: () => stalls };
}

describe('StallWatchdog', () => {
  it('fires exactly stallMs after the start when nothing moves, and only once', () => {
    const { clock, watchdog, stalls } = watch(30_000);
    watchdog.start();
    clock.advance(29_999);
    expect(stalls()).toBe(0);
    clock.advance(1);
    expect(stalls()).toBe(1);
    clock.advance(120_000);
    expect(stalls()).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('measures the window from the last touch, with one timer however many touches', () => {
    const { clock, watchdog, stalls } = watch(30_000);
    watchdog.start();
    for (let ms = 0; ms < 10_000; ms += 10) {
      clock.advance(10);
      watchdog.touch();
      expect(clock.pending).toBe(1);
    }
    // Last touch at 10 000 ms: the stall is due at 40 000 ms, not at 30 000.
    clock.advance(20_000);
    expect(stalls()).toBe(0);
    clock.advance(9_999);
    expect(stalls()).toBe(0);
    clock.advance(1);
    expect(stalls()).toBe(1);
  });

  it('keeps quiet while progress keeps coming, for longer than many windows', () => {
    const { clock, watchdog, stalls } = watch(1000);
    watchdog.start();
    for (let i = 0; i < 100; i += 1) {
      clock.advance(999);
      watchdog.touch();
    }
    expect(stalls()).toBe(0);
    clock.advance(1000);
    expect(stalls()).toBe(1);
  });

  it('stop() clears its timer and nothing fires afterwards', () => {
    const { clock, watchdog, stalls } = watch(500);
    watchdog.start();
    clock.advance(200);
    watchdog.touch();
    watchdog.stop();
    expect(clock.pending).toBe(0);
    clock.advance(10_000);
    expect(stalls()).toBe(0);
  });
});
