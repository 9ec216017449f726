/**
 * One lifetime contract for core and main (after VS Code's
 * base/common/lifecycle.ts): whatever subscribes or holds a resource returns
 * a Disposable; an owner registers what it creates in a DisposableStore and
 * ends it all with one `dispose()`. Adding to a store that is already
 * disposed disposes the newcomer at once, so a late subscription cannot leak.
 */

export interface Disposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}

export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.add(item);
    return item;
  }

  /** Disposes everything, in the order it was added; one that throws does not stop the others. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items) {
      try {
        item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    this.items.clear();
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'Several disposables failed');
  }
}

/**
 * Test hook (VS Code's setDisposableTracker): listener sets and timer groups
 * report what they hold, so a suite can check nothing outlived it.
 */
export interface LeakTracker {
  track(owner: object, kind: 'listener' | 'timer', delta: 1 | -1): void;
}

let tracker: LeakTracker | null = null;

export function setLeakTracker(next: LeakTracker | null): void {
  tracker = next;
}

export function trackLive(owner: object, kind: 'listener' | 'timer', delta: 1 | -1): void {
  tracker?.track(owner, kind, delta);
}
