/**
 * A hand-made fake Clock for tests that mix fake time with real I/O: timers
 * fire only when the test calls advance(), while sockets and HTTP run for
 * real. `pending` counts live timers, so a test can prove nothing leaked.
 */
import type { Clock, TimerHandle } from '../../src/core/clock';

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private time: number;
  private readonly startedAt: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(startEpochMs = Date.UTC(2026, 0, 1)) {
    this.time = startEpochMs;
    this.startedAt = startEpochMs;
  }

  now(): number {
    return this.time;
  }

  monotonic(): number {
    return this.time - this.startedAt;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    // Whole milliseconds, like Node's timers.
    const timer: FakeTimer = { id: this.nextId++, at: this.time + Math.max(0, Math.ceil(ms)), fn };
    this.timers.set(timer.id, timer);
    return { fakeTimerId: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as { fakeTimerId?: number }).fakeTimerId;
    if (id !== undefined) this.timers.delete(id);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Delays (from now) of the live timers, soonest first. */
  pendingDelays(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.time).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing due timers in order (timers they set fire too if due). */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const timer of this.timers.values()) {
        if (timer.at <= target && (next === undefined || timer.at < next.at || (timer.at === next.at && timer.id < next.id))) next = timer;
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = target;
  }

  /** Fires the soonest timer (moving time to it); returns false when none is pending. */
  runNext(): boolean {
    const delays = this.pendingDelays();
    if (delays.length === 0) return false;
    this.advance(delays[0] as number);
    return true;
  }
}
