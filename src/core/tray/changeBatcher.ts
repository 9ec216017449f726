/**
 * Merges the queue's change stream into at most one delivery per interval
 * (16 ms, one animation frame), so a burst of progress ticks or a 1,000-job
 * restore costs the renderer one IPC message per frame instead of thousands.
 *
 * Merge rule: the last upsert of a job wins; a remove wins over any upsert of
 * the same job in the batch (ids are never reused, so a removed job cannot
 * legitimately come back).
 */
import type { Clock } from '../clock';
import { TimerGroup } from '../base/timerGroup';
import type { QueueChange } from '../../shared/queueJob';

export const DEFAULT_BATCH_INTERVAL_MS = 16;

export interface ChangeBatcherOptions {
  clock: Clock;
  deliver: (changes: QueueChange[]) => void;
  intervalMs?: number;
}

export class ChangeBatcher {
  private readonly clock: Clock;
  private readonly deliver: (changes: QueueChange[]) => void;
  private readonly intervalMs: number;
  private pending = new Map<string, QueueChange>();
  private readonly timers: TimerGroup;
  private lastDelivery = Number.NEGATIVE_INFINITY;
  private disposed = false;

  constructor(options: ChangeBatcherOptions) {
    this.clock = options.clock;
    this.deliver = options.deliver;
    this.intervalMs = options.intervalMs ?? DEFAULT_BATCH_INTERVAL_MS;
    this.timers = new TimerGroup(options.clock);
  }

  push(changes: readonly QueueChange[]): void {
    if (this.disposed) return;
    for (const change of changes) this.merge(change);
    if (this.pending.size > 0 && !this.timers.has('flush')) {
      // Even when the interval has long passed we wait for a 0 ms timer, so
      // changes pushed in the same tick still leave as one message.
      const wait = Math.max(0, this.lastDelivery + this.intervalMs - this.clock.monotonic());
      this.timers.set('flush', wait, () => this.flush());
    }
  }

  /** Delivers whatever is pending now (e.g. before a window reload or quit). */
  flush(): void {
    this.timers.clear('flush');
    if (this.pending.size === 0 || this.disposed) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.lastDelivery = this.clock.monotonic();
    this.deliver(batch);
  }

  /** Drops pending changes and the timer; nothing is delivered afterwards. */
  dispose(): void {
    this.disposed = true;
    this.timers.dispose();
    this.pending.clear();
  }

  private merge(change: QueueChange): void {
    const id = change.type === 'remove' ? change.id : change.job.id;
    if (change.type === 'upsert' && this.pending.get(id)?.type === 'remove') return;
    this.pending.set(id, change);
  }
}
