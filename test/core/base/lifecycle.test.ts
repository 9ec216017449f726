import { afterEach, describe, expect, it } from 'vitest';
import { DisposableStore, setLeakTracker, toDisposable, trackLive } from '../../../src/core/base/lifecycle';

describe('toDisposable', () => {
  it('runs its cleanup once, however often it is disposed', () => {
    let runs = 0;
    const d = toDisposable(() => (runs += 1));
    expect(runs).toBe(0);
    d.dispose();
    d.dispose();
    expect(runs).toBe(1);
  });
});

describe('DisposableStore', () => {
  it('ends everything it holds, in the order it was added, once', () => {
    const ended: string[] = [];
    const store = new DisposableStore();
    for (const name of ['socket', 'timer', 'listener']) store.add(toDisposable(() => ended.push(name)));
    expect(store.isDisposed).toBe(false);
    expect(ended).toEqual([]);
    store.dispose();
    store.dispose();
    expect(store.isDisposed).toBe(true);
    expect(ended).toEqual(['socket', 'timer', 'listener']);
  });

  it('a subscription added after the owner ended is ended at once, not leaked', () => {
    const store = new DisposableStore();
    store.dispose();
    let ended = 0;
    const late = store.add(toDisposable(() => (ended += 1)));
    expect(ended).toBe(1);
    // The caller still gets its disposable back.
    late.dispose();
    expect(ended).toBe(1);
  });

  it('one cleanup that throws does not stop the others, and its error is not swallowed', () => {
    const ended: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => ended.push('a')));
    store.add(toDisposable(() => { throw new Error('broken cleanup'); }));
    store.add(toDisposable(() => ended.push('c')));
    expect(() => store.dispose()).toThrow('broken cleanup');
    expect(ended).toEqual(['a', 'c']);
  });

  it('several failing cleanups are all reported together', () => {
    const store = new DisposableStore();
    store.add(toDisposable(() => { throw new Error('first'); }));
    store.add(toDisposable(() => { throw new Error('second'); }));
    let caught: unknown;
    try {
      store.dispose();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AggregateError);
    expect((caught as AggregateError).message).toBe('Several disposables failed');
    expect((caught as AggregateError).errors.map((e: Error) => e.message)).toEqual(['first', 'second']);
  });

  it('a second dispose does not run the cleanups again', () => {
    let runs = 0;
    const store = new DisposableStore();
    store.add(toDisposable(() => (runs += 1)));
    store.add({ dispose: () => (runs += 1) });
    store.dispose();
    store.dispose();
    expect(runs).toBe(2);
  });
});

describe('leak tracker', () => {
  afterEach(() => setLeakTracker(null));

  it('reports to the installed tracker only, and to none once removed', () => {
    const seen: string[] = [];
    const owner = {};
    setLeakTracker({ track: (o, kind, delta) => seen.push(`${o === owner ? 'owner' : 'other'} ${kind} ${delta}`) });
    trackLive(owner, 'timer', 1);
    trackLive(owner, 'listener', -1);
    setLeakTracker(null);
    trackLive(owner, 'timer', 1);
    expect(seen).toEqual(['owner timer 1', 'owner listener -1']);
  });
});
