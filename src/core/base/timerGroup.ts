/**
 * Timers on an injected Clock, owned by one disposable group: nobody keeps a
 * raw TimerHandle. Each socket generation owns one group, so ending the
 * generation cannot leave a timer behind that later fires into the next
 * connection; a class with one timer uses a group with one name.
 */
import type { Clock, TimerHandle } from '../clock';
import { trackLive, type Disposable } from './lifecycle';

export class TimerGroup implements Disposable {
  private readonly handles = new Map<string, TimerHandle>();

  constructor(private readonly clock: Clock) {}

  /** (Re)arms the timer named `name`; an earlier timer of that name is cleared first. */
  set(name: string, ms: number, fn: () => void): void {
    this.clear(name);
    const handle = this.clock.setTimeout(() => {
      if (this.handles.get(name) !== handle) return;
      this.forget(name);
      fn();
    }, Math.max(0, ms));
    this.handles.set(name, handle);
    trackLive(this, 'timer', 1);
  }

  /** Arms `name` only if it is not armed already (a debounce that must not be pushed back). */
  ensure(name: string, ms: number, fn: () => void): void {
    if (!this.handles.has(name)) this.set(name, ms, fn);
  }

  clear(name: string): void {
    const handle = this.handles.get(name);
    if (handle === undefined) return;
    this.forget(name);
    this.clock.clearTimeout(handle);
  }

  has(name: string): boolean {
    return this.handles.has(name);
  }

  clearAll(): void {
    for (const name of [...this.handles.keys()]) this.clear(name);
  }

  dispose(): void {
    this.clearAll();
  }

  get size(): number {
    return this.handles.size;
  }

  private forget(name: string): void {
    if (this.handles.delete(name)) trackLive(this, 'timer', -1);
  }
}
