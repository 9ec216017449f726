import { afterEach, describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../../../src/core/clock';
import { setLeakTracker } from '../../../src/core/base/lifecycle';
import { TimerGroup } from '../../../src/core/base/timerGroup';
import { FakeClock } from '../../support/fakeClock';

describe('TimerGroup', () => {
  afterEach(() => setLeakTracker(null));

  it('fires a named timer once when its time comes, then no longer holds it', () => {
    const clock = new FakeClock();
    const group = new TimerGroup(clock);
    const fired: number[] = [];
    group.set('ping', 100, () => fired.push(clock.monotonic()));
    expect(group.has('ping')).toBe(true);
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([100]);
    expect(group.has('ping')).toBe(false);
    expect(group.size).toBe(0);
  });

  it('setting a name again replaces the earlier timer (only the new one fires)', () => {
    const clock = new FakeClock();
    const group = new TimerGroup(clock);
    const fired: string[] = [];
    group.set('retry', 100, () => fired.push('old'));
    clock.advance(50);
    group.set('retry', 100, () => fired.push('new'));
    expect(clock.pending).toBe(1);
    clock.advance(60);
    expect(fired).toEqual([]);
    clock.advance(40);
    expect(fired).toEqual(['new']);
  });

  it('ensure does not push an armed timer back; it arms one that is not armed', () => {
    const clock = new FakeClock();
    const group = new TimerGroup(clock);
    const fired: string[] = [];
    group.ensure('flush', 100, () => fired.push('first'));
    clock.advance(80);
    group.ensure('flush', 100, () => fired.push('second'));
    clock.advance(20);
    expect(fired).toEqual(['first']);
    group.ensure('flush', 100, () => fired.push('third'));
    clock.advance(100);
    expect(fired).toEqual(['first', 'third']);
  });

  it('a negative delay fires at once, not never', () => {
    const clock = new FakeClock();
    const group = new TimerGroup(clock);
    let fired = false;
    group.set('now', -5, () => (fired = true));
    expect(clock.pendingDelays()).toEqual([0]);
    clock.advance(0);
    expect(fired).toBe(true);
  });

  it('clear, clearAll and dispose stop timers and leave nothing armed on the clock', () => {
    const clock = new FakeClock();
    const group = new TimerGroup(clock);
    const fired: string[] = [];
    group.set('a', 10, () => fired.push('a'));
    group.set('b', 10, () => fired.push('b'));
    group.set('c', 10, () => fired.push('c'));
    group.clear('a');
    group.clear('never-set');
    expect(group.has('a')).toBe(false);
    expect(group.size).toBe(2);
    expect(clock.pending).toBe(2);
    group.clearAll();
    expect(clock.pending).toBe(0);
    group.set('d', 10, () => fired.push('d'));
    group.dispose();
    expect(clock.pending).toBe(0);
    expect(group.size).toBe(0);
    clock.advance(100);
    expect(fired).toEqual([]);
  });

  it('a timer whose clock could not cancel it does not run after being cleared or replaced', () => {
    // A clock whose clearTimeout is too late (the callback already queued): the group must still not fire it.
    const queued: Array<() => void> = [];
    const lateClock: Clock = {
      now: () => 0,
      monotonic: () => 0,
      setTimeout: (fn): TimerHandle => {
        queued.push(fn);
        return { n: queued.length };
      },
      clearTimeout: () => {},
    };
    const group = new TimerGroup(lateClock);
    const fired: string[] = [];
    group.set('x', 10, () => fired.push('old'));
    group.set('x', 10, () => fired.push('new'));
    group.set('y', 10, () => fired.push('y'));
    group.clear('y');
    for (const fn of queued) fn();
    expect(fired).toEqual(['new']);
  });

  it('reports each armed timer as live until it fires or is cleared', () => {
    let live = 0;
    setLeakTracker({ track: (_owner, kind, delta) => { if (kind === 'timer') live += delta; } });
    const clock = new FakeClock();
    const group = new TimerGroup(clock);
    group.set('a', 10, () => {});
    group.set('a', 10, () => {});
    group.set('b', 20, () => {});
    expect(live).toBe(2);
    clock.advance(10);
    expect(live).toBe(1);
    group.clear('b');
    group.clear('b');
    expect(live).toBe(0);
  });
});
