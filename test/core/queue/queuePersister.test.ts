import { describe, expect, it } from 'vitest';
import { QueuePersister } from '../../../src/core/queue/queuePersister';
import type { PersistedQueue, QueueStore, SavedChanges } from '../../../src/core/queue/UploadQueue';
import { FakeClock } from '../../support/fakeClock';

function slowStore(): QueueStore & { saves: PersistedQueue[]; changes: Array<SavedChanges | undefined>; finishOne(): void; fail: boolean; running: number; maxRunning: number } {
  const waiting: Array<() => void> = [];
  const store = {
    saves: [] as PersistedQueue[],
    changes: [] as Array<SavedChanges | undefined>,
    fail: false,
    running: 0,
    maxRunning: 0,
    load: async () => null,
    async save(state: PersistedQueue, changes?: SavedChanges) {
      store.running += 1;
      store.maxRunning = Math.max(store.maxRunning, store.running);
      await new Promise<void>((resolve) => waiting.push(resolve));
      store.running -= 1;
      if (store.fail) throw new Error('disk full');
      store.saves.push(state);
      store.changes.push(changes);
    },
    finishOne() {
      waiting.shift()?.();
    },
  };
  return store;
}

/** The queue's state with `paused` as given, and its changes: one job whose id says which state it came with. */
const queueState = (paused: boolean) => ({ state: { version: 1 as const, jobs: [], paused }, changes: new Map([[`changed-while-paused-${paused}`, null]]) });

const flushMicrotasks = async (): Promise<void> => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

describe('QueuePersister', () => {
  it('debounces requests, writes one at a time, and a save requested during a write gets a later write with the newer state', async () => {
    const clock = new FakeClock();
    const store = slowStore();
    let version = 0;
    const errors: unknown[] = [];
    const persister = new QueuePersister(store, clock, 200, () => queueState(version % 2 === 1), (e) => errors.push(e));

    persister.requestSave();
    persister.requestSave();
    clock.advance(199);
    await flushMicrotasks();
    expect(store.running).toBe(0);
    clock.advance(1);
    await flushMicrotasks();
    expect(store.running).toBe(1);

    version = 1;
    const a = persister.saveNow();
    const b = persister.saveNow(); // joins a: it has not started yet
    expect(a).toBe(b);
    store.finishOne();
    await flushMicrotasks();
    expect(store.running).toBe(1); // the queued save started only after the first finished
    store.finishOne();
    await a;
    expect(store.saves.map((s) => s.paused)).toEqual([false, true]);
    // Each write gets the changes read with its state, when it started.
    expect(store.changes.map((changes) => [...changes!.keys()])).toEqual([['changed-while-paused-false'], ['changed-while-paused-true']]);
    expect(store.maxRunning).toBe(1);
    expect(clock.pending).toBe(0);
    expect(errors).toEqual([]);
  });

  it('reports a failing disk once until a save succeeds again', async () => {
    const clock = new FakeClock();
    const store = slowStore();
    const errors: unknown[] = [];
    const persister = new QueuePersister(store, clock, 10, () => queueState(false), (e) => errors.push(e));
    store.fail = true;
    for (let i = 0; i < 3; i += 1) {
      const saving = persister.saveNow();
      await flushMicrotasks(); // the write starts a few microtasks later
      store.finishOne();
      await expect(saving).rejects.toThrow('disk full');
    }
    expect(errors).toHaveLength(1);
    store.fail = false;
    const ok = persister.saveNow();
    await flushMicrotasks();
    store.finishOne();
    await ok;
    store.fail = true;
    const again = persister.saveNow();
    await flushMicrotasks();
    store.finishOne();
    await expect(again).rejects.toThrow();
    expect(errors).toHaveLength(2);
  });
});

describe('QueuePersister.flush (what dispose waits for)', () => {
  const setUp = () => {
    const clock = new FakeClock();
    const store = slowStore();
    let version = 0;
    const persister = new QueuePersister(store, clock, 200, () => queueState(version % 2 === 1), () => {});
    return { clock, store, persister, bump: () => (version += 1) };
  };
  const settledYet = (promise: Promise<void>): { done: boolean } => {
    const state = { done: false };
    void promise.then(() => (state.done = true));
    return state;
  };

  it('with nothing pending, resolves at once and writes nothing', async () => {
    const { store, persister } = setUp();
    await persister.flush();
    expect(store.saves).toEqual([]);
    expect(store.running).toBe(0);
  });

  it('a debounced request is written now, not after the delay', async () => {
    const { clock, store, persister } = setUp();
    persister.requestSave();
    const flushed = settledYet(persister.flush());
    await flushMicrotasks();
    expect(store.running).toBe(1);
    store.finishOne();
    await flushMicrotasks();
    expect(flushed.done).toBe(true);
    expect(store.saves).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });

  it('waits for the write in progress (the disk holds the state only once it ends)', async () => {
    const { store, persister } = setUp();
    const saving = persister.saveNow();
    await flushMicrotasks();
    const flushed = settledYet(persister.flush());
    await flushMicrotasks();
    expect(flushed.done).toBe(false);
    store.finishOne();
    await saving;
    await flushMicrotasks();
    expect(flushed.done).toBe(true);
    expect(store.saves).toHaveLength(1); // nothing newer to write: no second save
  });

  it('a save asked for during a write is waited for too: the newer state reaches the disk before flush ends', async () => {
    const { store, persister, bump } = setUp();
    void persister.saveNow();
    await flushMicrotasks();
    bump();
    void persister.saveNow(); // waits for the first write
    const flushed = settledYet(persister.flush());
    store.finishOne();
    await flushMicrotasks();
    expect(flushed.done).toBe(false); // the first write ended, the newer one is still running
    store.finishOne();
    await flushMicrotasks();
    expect(flushed.done).toBe(true);
    expect(store.saves.map((s) => s.paused)).toEqual([false, true]);
    // Each write gets the changes read with its state, when it started.
    expect(store.changes.map((changes) => [...changes!.keys()])).toEqual([['changed-while-paused-false'], ['changed-while-paused-true']]);
  });

  it('a failing write in progress does not make flush throw (it was reported already)', async () => {
    const { store, persister } = setUp();
    store.fail = true;
    const saving = persister.saveNow();
    saving.catch(() => undefined);
    await flushMicrotasks();
    const flushing = persister.flush();
    store.finishOne();
    await expect(flushing).resolves.toBeUndefined();
  });
});
