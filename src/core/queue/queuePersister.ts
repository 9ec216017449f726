/**
 * When the queue is written: at once (enqueue must be durable before its
 * upload starts) or debounced (progress of state changes), one write at a
 * time, and every request answered by a write that started after it.
 */
import type { Clock } from '../clock';
import { TimerGroup } from '../base/timerGroup';
import type { PersistedQueue, QueueStore, SavedChanges } from './types';

export class QueuePersister {
  private readonly timers: TimerGroup;
  private inFlight: Promise<void> | null = null;
  /** A save that has not started yet; later requests join it (it will read the state when it starts). */
  private next: Promise<void> | null = null;
  private failing = false;

  constructor(
    private readonly store: QueueStore,
    private readonly clock: Clock,
    private readonly debounceMs: number,
    /** The state to write and what changed since the previous save; read together when a save starts. */
    private readonly toSave: () => { state: PersistedQueue; changes: SavedChanges },
    /** Called when saving starts failing (not again until a save succeeds). */
    private readonly onError: (error: unknown) => void,
  ) {
    this.timers = new TimerGroup(clock);
  }

  requestSave(): void {
    this.timers.ensure('save', this.debounceMs, () => {
      this.saveNow().catch(() => undefined); // reported inside saveNow
    });
  }

  saveNow(): Promise<void> {
    this.timers.clear('save');
    if (this.next !== null) return this.next;
    const previous = this.inFlight ?? Promise.resolve();
    const run: Promise<void> = previous
      .catch(() => undefined)
      .then(async () => {
        this.next = null;
        this.inFlight = run;
        try {
          const { state, changes } = this.toSave();
          await this.store.save(state, changes);
          this.failing = false;
        } catch (error) {
          // Report a failing disk once, not on every change until it recovers.
          if (!this.failing) this.onError(error);
          this.failing = true;
          throw error;
        }
      })
      .finally(() => {
        if (this.inFlight === run) this.inFlight = null;
      });
    this.next = run;
    return run;
  }

  /** Writes anything pending now; resolves when the disk holds the current state. */
  async flush(): Promise<void> {
    if (this.timers.has('save') || this.next !== null) await this.saveNow();
    else if (this.inFlight !== null) await this.inFlight.catch(() => undefined);
  }

  dispose(): void {
    this.timers.dispose();
  }
}
