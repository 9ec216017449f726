/**
 * Fires once when nothing has moved for `stallMs`. Progress only records a
 * timestamp; the one pending timer checks it when it comes due and re-arms for
 * the time still left. (Clearing and setting a timer on every chunk costs more
 * than the chunk's own bookkeeping at full speed, and the answer is the same.)
 */
import type { Clock, TimerHandle } from '../clock';

export class StallWatchdog {
  private lastProgressAt = 0;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly stallMs: number,
    private readonly onStall: () => void,
  ) {}

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
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(this.check, ms);
  }

  private readonly check = (): void => {
    this.timer = null;
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
