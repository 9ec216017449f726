/**
 * The queue's one change stream: changes made in the same tick reach every
 * listener as one array, with only the latest upsert per job (a burst of
 * transitions costs front ends one render, not five).
 */
import type { Disposable } from '../base/lifecycle';
import type { Logger } from '../base/logger';
import { ListenerSet } from '../base/listenerSet';
import type { QueueChange, QueueJob } from '../../shared/queueJob';

export class ChangeStream {
  private readonly listeners: ListenerSet<QueueChange[]>;
  /** Insertion-ordered by each job's latest change. */
  private pending = new Map<string, QueueChange>();
  private scheduled = false;

  constructor(logger: Logger) {
    // A broken front end must not stop the queue or the other listeners.
    this.listeners = new ListenerSet((error) => logger.error('queue change listener threw', { error: String(error) }));
  }

  subscribe(listener: (changes: QueueChange[]) => void): Disposable {
    return this.listeners.add(listener);
  }

  upsert(job: QueueJob): void {
    this.push(job.id, { type: 'upsert', job });
  }

  remove(id: string): void {
    this.push(id, { type: 'remove', id });
  }

  private push(id: string, change: QueueChange): void {
    this.pending.delete(id); // re-insert at the end: the order follows the latest change
    this.pending.set(id, change);
    if (this.scheduled) return;
    this.scheduled = true;
    // A microtask, not a timer: fake timers in tests cannot hold changes back.
    void Promise.resolve().then(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const changes = [...this.pending.values()];
    this.pending = new Map();
    if (changes.length > 0) this.listeners.emit(changes);
  }
}
