/**
 * Timers on an injected Clock that are cleared together. Each socket
 * generation owns one group, so ending the generation cannot leave a timer
 * behind that later fires into the next connection.
 */
import type { Clock, TimerHandle } from '../clock';

export class TimerGroup {
  private readonly handles = new Map<string, TimerHandle>();

  constructor(private readonly clock: Clock) {}

  /** (Re)arms the timer named `name`; an earlier timer of that name is cleared first. */
  set(name: string, ms: number, fn: () => void): void {
    this.clear(name);
    const handle = this.clock.setTimeout(() => {
      if (this.handles.get(name) !== handle) return;
      this.handles.delete(name);
      fn();
    }, Math.max(0, ms));
    this.handles.set(name, handle);
  }

  clear(name: string): void {
    const handle = this.handles.get(name);
    if (handle === undefined) return;
    this.handles.delete(name);
    this.clock.clearTimeout(handle);
  }

  has(name: string): boolean {
    return this.handles.has(name);
  }

  clearAll(): void {
    for (const handle of this.handles.values()) this.clock.clearTimeout(handle);
    this.handles.clear();
  }

  get size(): number {
    return this.handles.size;
  }
}
