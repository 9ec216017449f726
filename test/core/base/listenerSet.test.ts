import { afterEach, describe, expect, it } from 'vitest';
import { setLeakTracker } from '../../../src/core/base/lifecycle';
import { ListenerSet } from '../../../src/core/base/listenerSet';

describe('ListenerSet', () => {
  afterEach(() => setLeakTracker(null));

  it('gives every subscriber the value; a disposed one hears nothing more', () => {
    const set = new ListenerSet<number>(() => {});
    const a: number[] = [];
    const b: number[] = [];
    const subA = set.add((v) => a.push(v));
    set.add((v) => b.push(v));
    expect(set.size).toBe(2);
    set.emit(1);
    subA.dispose();
    expect(set.size).toBe(1);
    set.emit(2);
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
  });

  it('the same function subscribed twice is two subscriptions, ended one at a time', () => {
    const set = new ListenerSet<string>(() => {});
    const heard: string[] = [];
    const listener = (v: string): void => {
      heard.push(v);
    };
    const first = set.add(listener);
    set.add(listener);
    set.emit('x');
    first.dispose();
    set.emit('y');
    expect(heard).toEqual(['x', 'x', 'y']);
  });

  it('a subscriber that throws is reported and does not stop the others', () => {
    const errors: unknown[] = [];
    const set = new ListenerSet<number>((error) => errors.push(error));
    const heard: number[] = [];
    const boom = new Error('subscriber broke');
    set.add(() => {
      throw boom;
    });
    set.add((v) => heard.push(v));
    set.emit(7);
    expect(heard).toEqual([7]);
    expect(errors).toEqual([boom]);
  });

  it('a subscriber added while a value is delivered hears only later values', () => {
    const set = new ListenerSet<number>(() => {});
    const late: number[] = [];
    set.add(() => {
      if (late.length === 0 && set.size === 1) set.add((v) => late.push(v));
    });
    set.emit(1);
    set.emit(2);
    expect(late).toEqual([2]);
  });

  it('counts each subscription once as live, however often it is disposed', () => {
    let live = 0;
    setLeakTracker({ track: (_owner, kind, delta) => { if (kind === 'listener') live += delta; } });
    const set = new ListenerSet<number>(() => {});
    const sub = set.add(() => {});
    expect(live).toBe(1);
    sub.dispose();
    sub.dispose();
    expect(live).toBe(0);
  });
});
