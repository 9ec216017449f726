/**
 * Fires once when nothing has moved for `stallMs`. Progress only records a
 * timestamp; the one pending timer checks it when it comes due and re-arms for
 * the time still left. (Clearing and setting a timer on every chunk costs more
 * than the chunk's own bookkeeping at full speed, and the answer is the same.)
 */
import type { Clock } from '../clock';
import { TimerGroup } from '../base/timerGroup';

export class StallWatchdog {
  private lastProgressAt = 0;
  private readonly timers: TimerGroup;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly stallMs: number,
    private readonly onStall: () => void,
  ) {
    this.timers = new TimerGroup(clock);
  }

  start(): void {
    this.lastProgressAt = this.clock.monotonic();
    this.arm(this.stallMs);
  }

  /** Something moved: the stall window starts again from now. */
  touch(): void {
    this.lastProgressAt = this.clock.monotonic();
  }

  stop(): void {
    this.stopped = true;
    this.timers.dispose();
  }

  private arm(ms: number): void {
    this.timers.set('stall', ms, this.check);
  }

  private readonly check = (): void => {
    if (this.stopped) return;
    const idleMs = this.clock.monotonic() - this.lastProgressAt;
    if (idleMs >= this.stallMs) {
      this.stopped = true;
      this.onStall();
      return;
    }
    // Rounded up: a timer due in 0.3 ms would fire early, find "not yet" and spin.
    this.arm(Math.max(1, Math.ceil(this.stallMs - idleMs)));
  };
}
