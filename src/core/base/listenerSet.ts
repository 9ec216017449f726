/**
 * A typed set of listeners. A listener that throws is reported to `onError`
 * and does not stop the others: one broken subscriber must not break tracking.
 * Every subscription is a Disposable (lifecycle.ts).
 */
import { toDisposable, trackLive, type Disposable } from './lifecycle';

export class ListenerSet<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private readonly onError: (error: unknown) => void) {}

  add(listener: (value: T) => void): Disposable {
    // Wrapped so that adding the same function twice gives two independent subscriptions.
    const entry = (value: T): void => listener(value);
    this.listeners.add(entry);
    trackLive(this, 'listener', 1);
    return toDisposable(() => {
      if (this.listeners.delete(entry)) trackLive(this, 'listener', -1);
    });
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
