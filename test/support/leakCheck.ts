/**
 * A suite that opts in is checked after each test for what outlived it (after
 * VS Code's ensureNoDisposablesAreLeakedInTestSuite): listeners still in a
 * ListenerSet, timers still armed in a TimerGroup, and optionally timers still
 * pending on the test's fake clock. Dispose what the test created inside the
 * test; a leftover fails the test with the owners that held it.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { setLeakTracker } from '../../src/core/base/lifecycle';
import type { FakeClock } from './fakeClock';

export interface LeakCheck {
  /** Fake clocks whose pending timers must also be zero at the end of the test. */
  watchClock(clock: FakeClock): void;
  /** What is alive right now, by owner class and kind (for a test's own assertions). */
  live(): string[];
}

export function ensureNoLeaks(): LeakCheck {
  const counts = new Map<object, { listener: number; timer: number }>();
  const clocks: FakeClock[] = [];
  const live = (): string[] =>
    [...counts].flatMap(([owner, n]) =>
      (['listener', 'timer'] as const).filter((kind) => n[kind] !== 0).map((kind) => `${owner.constructor.name}: ${n[kind]} ${kind}(s)`),
    );
  beforeEach(() => {
    counts.clear();
    clocks.length = 0;
    setLeakTracker({
      track(owner, kind, delta) {
        const n = counts.get(owner) ?? { listener: 0, timer: 0 };
        n[kind] += delta;
        counts.set(owner, n);
      },
    });
  });
  afterEach(() => {
    setLeakTracker(null);
    expect(live(), 'listeners or timers outlived the test').toEqual([]);
    for (const clock of clocks) expect(clock.pendingDelays(), 'timers still pending on the fake clock').toEqual([]);
  });
  return { watchClock: (clock) => void clocks.push(clock), live };
}
