// @vitest-environment happy-dom
/** The store mirrors main: snapshot, then deltas — none lost in between, endings announced once. */
import { describe, expect, it } from 'vitest';
import { IntakeStore, type MainCommand } from '../../src/renderer/store/intakeStore';
import { tallyOf } from '../../src/renderer/store/jobTally';
import { FIRST_SCREEN_JOBS, firstScreenOf } from '../../src/shared/firstScreen';
import { IPC_EVENT_NAMES } from '../../src/shared/ipc';
import { diffJob, type JobDelta } from '../../src/shared/jobDelta';
import { STAGES, sortNewestFirst, type QueueChange, type QueueJob, type Stage } from '../../src/shared/queueJob';
import { fakeBridge, snapshotOf, type FakeBridge } from './fakeBridge';
import { T0, job, server } from './jobFixtures';

describe('IntakeStore', () => {
  it('loads the snapshot newest first, then applies deltas in place', async () => {
    const older = job({ id: 'a', chartNumber: 'OLD', createdAt: 1 });
    const newer = job({ id: 'b', chartNumber: 'NEW', createdAt: 2 });
    const bridge = fakeBridge(snapshotOf([older, newer], { paused: true, demoServer: true }));
    const store = new IntakeStore(bridge);
    expect(store.getState().status).toBe('loading');
    await store.start();
    expect(store.getState()).toMatchObject({ status: 'ready', paused: true, demoServer: true });
    expect(store.getState().jobIds).toEqual(['b', 'a']);

    bridge.emit('jobs', [{ type: 'upsert', job: { ...older, stage: 'uploading' } }, { type: 'upsert', job: job({ id: 'c', createdAt: 3 }) }]);
    expect(store.getState().jobIds.map((id) => [id, store.job(id)?.stage])).toEqual([['c', 'queued'], ['b', 'queued'], ['a', 'uploading']]);
    bridge.emit('jobs', [{ type: 'remove', id: 'b' }]);
    expect(store.getState().jobIds).toEqual(['c', 'a']);
    bridge.emit('connection', { state: 'auth_failed', reason: '401' });
    bridge.emit('paused', false);
    bridge.emit('demoServer', false); // main switched to a real server
    expect(store.getState()).toMatchObject({ connection: { state: 'auth_failed' }, paused: false, demoServer: false });
  });

  it('keeps a delta that arrives while the snapshot is on its way', async () => {
    const bridge = fakeBridge();
    let answer!: () => void;
    bridge.answer('getSnapshot', () => new Promise((done) => (answer = () => done({ ok: true, value: snapshotOf([job({ id: 'a', stage: 'queued' })]) }))));
    const store = new IntakeStore(bridge);
    const starting = store.start();
    await Promise.resolve();
    // main sent this after it built the snapshot: it must win over the snapshot's copy
    bridge.emit('jobs', [{ type: 'upsert', job: job({ id: 'a', stage: 'uploading' }) }, { type: 'upsert', job: job({ id: 'n', createdAt: T0 + 99 }) }]);
    answer();
    await starting;
    expect(store.getState().jobIds.map((id) => [id, store.job(id)?.stage])).toEqual([['n', 'queued'], ['a', 'uploading']]);
  });

  it('applies a batch of patches as one store update, each job changed in place', async () => {
    const jobs = Array.from({ length: 5 }, (_, i) => job({ id: `j${i}`, createdAt: T0 + i, stage: 'uploading' }));
    const bridge = fakeBridge(snapshotOf(jobs));
    const store = new IntakeStore(bridge);
    await store.start();
    let updates = 0;
    store.subscribe(() => (updates += 1));
    bridge.emit('jobs', jobs.map((j) => ({ type: 'patch' as const, id: j.id, fields: [{ path: ['upload'], value: { sentBytes: 5, totalBytes: 9, bytesPerSecond: 1, etaSeconds: 4 } }] })));
    expect(updates).toBe(1);
    expect(store.job('j3')).toEqual({ ...jobs[3], upload: { sentBytes: 5, totalBytes: 9, bytesPerSecond: 1, etaSeconds: 4 } });
  });

  it('patches held while the snapshot is on its way are applied on it in order: the latest value of each field wins', async () => {
    const bridge = fakeBridge();
    let answer!: () => void;
    bridge.answer('getSnapshot', () => new Promise((done) => (answer = () => done({ ok: true, value: snapshotOf([job({ id: 'a', stage: 'uploading', uploadAttempts: 2 })]) }))));
    const store = new IntakeStore(bridge);
    const starting = store.start();
    await Promise.resolve();
    bridge.emit('jobs', [{ type: 'patch', id: 'a', fields: [{ path: ['uploadAttempts'], value: 1 }] }]); // older than the snapshot
    bridge.emit('jobs', [{ type: 'patch', id: 'a', fields: [{ path: ['uploadAttempts'], value: 2 }] }]); // main's flush before answering
    bridge.emit('jobs', [{ type: 'patch', id: 'a', fields: [{ path: ['stage'], value: 'tracking' }] }]); // newer than the snapshot
    answer();
    await starting;
    expect(store.job('a')).toMatchObject({ stage: 'tracking', uploadAttempts: 2 });
  });

  it('announces completions and failures once, never phases or the snapshot', async () => {
    const bridge = fakeBridge(snapshotOf([job({ id: 'done-before', stage: 'completed' })]));
    const store = new IntakeStore(bridge);
    await store.start();
    expect(store.getState().announcement).toBeNull();
    const tracking = job({ id: 'a', chartNumber: 'CH-1', stage: 'tracking' });
    bridge.emit('jobs', [{ type: 'upsert', job: tracking }]);
    expect(store.getState().announcement).toBeNull();
    bridge.emit('jobs', [{ type: 'upsert', job: { ...tracking, stage: 'completed' } }]);
    const first = store.getState().announcement;
    expect(first?.text).toBe('Chart CH-1 completed.');
    bridge.emit('jobs', [{ type: 'upsert', job: { ...tracking, stage: 'completed', updatedAt: 5 } }]);
    expect(store.getState().announcement).toBe(first); // same stage again: silent
    bridge.emit('jobs', [{ type: 'upsert', job: job({ id: 'b', chartNumber: 'CH-2', stage: 'failed', error: { code: 'x', message: 'Disk full on the server' } }) }]);
    expect(store.getState().announcement?.text).toBe('Chart CH-2 failed: Disk full on the server.');
    // A reason that ends with its own full stop gets no second one.
    bridge.emit('jobs', [{ type: 'upsert', job: job({ id: 'c', chartNumber: 'CH-3', stage: 'failed', error: { code: 'x', message: 'Failed during "OCR" (attempt 3 of 3); no retries left.' } }) }]);
    expect(store.getState().announcement?.text).toBe('Chart CH-3 failed: Failed during "OCR" (attempt 3 of 3); no retries left.');
  });

  it('turns a burst of endings into one sentence', async () => {
    const bridge = fakeBridge();
    const store = new IntakeStore(bridge);
    await store.start();
    bridge.emit('jobs', Array.from({ length: 6 }, (_, i) => ({ type: 'upsert' as const, job: job({ id: `j${i}`, chartNumber: `C${i}`, stage: 'completed' }) })));
    expect(store.getState().announcement?.text).toBe('6 jobs finished. Chart C0 completed. Chart C1 completed. …');
  });

  it('passes on focus, open-files and open-settings requests from main as commands, each once, and unsubscribes on stop', async () => {
    const bridge = fakeBridge();
    const store = new IntakeStore(bridge);
    await store.start();
    const before = store.getState();
    // Files handed over at launch come before the window listens: they are held for the first listener.
    bridge.emit('openFiles', ['/x/a.pdf']);
    bridge.emit('openFiles', []); // nothing to open: no command
    const heard: MainCommand[] = [];
    const off = store.onCommand((command) => heard.push(command));
    bridge.emit('focusJob', 'a');
    bridge.emit('openSettings', null);
    expect(heard).toEqual([{ type: 'openFiles', paths: ['/x/a.pdf'] }, { type: 'focusJob', jobId: 'a' }, { type: 'openSettings' }]);
    // Commands are not state: nothing a component reads back changed.
    expect(store.getState()).toBe(before);
    off();
    bridge.emit('openSettings', null);
    const late: MainCommand[] = [];
    store.onCommand((command) => late.push(command));
    expect(late).toEqual([{ type: 'openSettings' }]); // held again while nobody listened, handed over once
    expect(heard).toHaveLength(3);
    store.stop();
    expect(IPC_EVENT_NAMES.map((e) => bridge.listenerCount(e))).toEqual(IPC_EVENT_NAMES.map(() => 0));
  });

  it('shows a load failure instead of an empty queue', async () => {
    const bridge = fakeBridge();
    bridge.answer('getSnapshot', { ok: false, error: { code: 'unavailable', message: 'The queue is still starting.' } });
    const store = new IntakeStore(bridge);
    await store.start();
    expect(store.getState()).toMatchObject({ status: 'error', loadError: 'The queue is still starting.' });
  });
});

/**
 * Main's side of the snapshot rule: changes leave in batches, each job whole the first time,
 * then as its changed fields (as core's PageFeed sends them); a snapshot is built after a
 * flush (firstScreenOf for the first screen) and delivered when the test says.
 */
class MiniMain {
  readonly jobs = new Map<string, QueueJob>();
  /** What the page has been sent: the jobs as of the last delivered batch. */
  readonly sent = new Map<string, QueueJob>();
  private pending: QueueChange[] = [];
  /** The version of each job the page was last sent (patches are against it). */
  private readonly seen = new Map<string, QueueJob>();
  /** Snapshot answers built (at the call, after main's flush) and not yet delivered. */
  readonly answers: (() => void)[] = [];
  readonly calls: unknown[] = [];

  constructor(private readonly bridge: FakeBridge) {
    bridge.answer('getSnapshot', (input) => {
      this.calls.push(input);
      this.flush();
      const all = snapshotOf([...this.jobs.values()]);
      const value = (input as { firstScreen?: true } | undefined)?.firstScreen ? firstScreenOf(all) : all;
      return new Promise((done) => this.answers.push(() => done({ ok: true, value })));
    });
  }

  upsert(job: QueueJob): void {
    this.jobs.set(job.id, job);
    this.pending.push({ type: 'upsert', job });
  }

  remove(id: string): void {
    this.jobs.delete(id);
    this.pending.push({ type: 'remove', id });
  }

  flush(): void {
    const deltas: JobDelta[] = [];
    for (const change of this.pending.splice(0)) {
      const id = change.type === 'remove' ? change.id : change.job.id;
      const before = this.seen.get(id);
      if (change.type === 'remove') this.seen.delete(id);
      else this.seen.set(id, change.job);
      deltas.push(change.type === 'upsert' && before !== undefined ? { type: 'patch', id, fields: diffJob(before, change.job) } : change);
    }
    this.sent.clear();
    for (const [id, job] of this.jobs) this.sent.set(id, job);
    if (deltas.length > 0) this.bridge.emit('jobs', deltas);
  }
}

/** A small seeded generator (a linear congruential one): each seed replays the same schedule. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48_271) % 2_147_483_647) / 2_147_483_647;
}

const settle = () => new Promise((done) => setTimeout(done, 0));
const FINISHED: Stage[] = ['completed', 'failed', 'cancelled', 'rejected', 'blocked'];

/** A store starting against a MiniMain holding `jobs` (`sent` first: jobs main sent a page before); `paint()` ends its first frame. */
function opening(jobs: QueueJob[], sent: (main: MiniMain) => void = () => undefined) {
  const bridge = fakeBridge();
  const main = new MiniMain(bridge);
  for (const j of jobs) main.jobs.set(j.id, j);
  sent(main);
  let painted: (() => void) | null = null;
  const store = new IntakeStore(bridge, { afterPaint: () => new Promise((done) => (painted = done)) });
  const starting = store.start();
  const paint = (): boolean => {
    const frame: (() => void) | null = painted;
    painted = null;
    frame?.();
    return frame !== null;
  };
  return { bridge, main, store, starting, paint };
}

describe('IntakeStore with a long history', () => {
  const history = (count: number) =>
    Array.from({ length: count }, (_, i) => job({ id: `h${String(i).padStart(4, '0')}`, createdAt: T0 + i * 1000, stage: FINISHED[i % FINISHED.length] }));

  it('shows the first screen with the whole queue counted, then asks for every job once that is painted', async () => {
    const jobs = [...history(300), job({ id: 'old-upload', createdAt: T0 - 5000, stage: 'uploading' })];
    const { main, store, starting, paint } = opening(jobs);
    expect(main.calls).toEqual([{ firstScreen: true }]);
    main.answers.shift()?.();
    await settle();
    const first = store.getState();
    expect(first.status).toBe('ready');
    expect(first.jobIds).toHaveLength(FIRST_SCREEN_JOBS + 1);
    expect(first.jobIds.slice(0, 3)).toEqual(['h0299', 'h0298', 'h0297']);
    expect(first.tally).toEqual(tallyOf(jobs));
    expect(main.calls).toHaveLength(1); // nothing more before the first screen is painted

    paint();
    await settle();
    expect(main.calls).toEqual([{ firstScreen: true }, undefined]);
    main.answers.shift()?.();
    await starting;
    expect(store.getState().jobIds).toEqual(sortNewestFirst(jobs).map((j) => j.id));
    expect(store.getState().tally).toEqual(tallyOf(jobs));
  });

  it('asks once when the first snapshot is the whole queue', async () => {
    const bridge = fakeBridge(snapshotOf(history(FIRST_SCREEN_JOBS)));
    const store = new IntakeStore(bridge, { afterPaint: () => Promise.reject(new Error('not asked for')) });
    await store.start();
    expect(bridge.getSnapshot).toHaveBeenCalledTimes(1);
    expect(store.getState().jobIds).toHaveLength(FIRST_SCREEN_JOBS);
  });

  it('keeps the first screen live while the rest is on its way, and counts a history job it does not hold once', async () => {
    const { main, store, starting, paint } = opening(history(200));
    main.answers.shift()?.();
    await settle();
    paint();
    await settle();
    // The rest is on its way: a shown job changes, a new one comes, an old one the page does not hold is retried.
    main.upsert({ ...(main.jobs.get('h0199') as QueueJob), chartNumber: 'RENAMED' });
    main.upsert(job({ id: 'new', createdAt: T0 + 10_000_000, stage: 'queued' }));
    main.upsert({ ...(main.jobs.get('h0003') as QueueJob), stage: 'queued' });
    main.flush();
    expect(store.job('h0199')?.chartNumber).toBe('RENAMED');
    expect(store.getState().jobIds[0]).toBe('new');
    expect(store.job('h0003')).toBeUndefined();
    expect(store.getState().tally.counts.all).toBe(201);
    main.answers.shift()?.();
    await starting;
    expect(store.job('h0003')?.stage).toBe('queued');
    expect(store.getState().tally).toEqual(tallyOf(main.jobs.values()));
  });

  it('shows a job main asks for at once when it is on the first screen, else once every job is here', async () => {
    const { bridge, main, store, starting, paint } = opening(history(200));
    const heard: MainCommand[] = [];
    store.onCommand((command) => heard.push(command));
    main.answers.shift()?.();
    await settle();
    bridge.emit('focusJob', 'h0199');
    expect(heard).toEqual([{ type: 'focusJob', jobId: 'h0199' }]);
    bridge.emit('focusJob', 'h0003'); // not here yet
    expect(heard).toHaveLength(1);
    paint();
    await settle();
    main.answers.shift()?.();
    await starting;
    expect(heard).toEqual([
      { type: 'focusJob', jobId: 'h0199' },
      { type: 'focusJob', jobId: 'h0003' },
    ]);
  });

  it('shows a failure of the rest instead of a part of the queue', async () => {
    const bridge = fakeBridge();
    const main = new MiniMain(bridge);
    for (const j of history(200)) main.jobs.set(j.id, j);
    const store = new IntakeStore(bridge, {
      afterPaint: async () => bridge.answer('getSnapshot', { ok: false, error: { code: 'unavailable', message: 'The queue is gone.' } }),
    });
    const starting = store.start();
    main.answers.shift()?.();
    await starting;
    expect(store.getState()).toMatchObject({ status: 'error', loadError: 'The queue is gone.' });
  });

  // Any interleaving of changes, batches and the two answers ends with the page holding main's queue.
  it.each(Array.from({ length: 20 }, (_, i) => i + 1))('loses and reorders nothing while the rest is on its way (seed %i)', async (seed) => {
    const random = seeded(seed * 1_000_003);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    // A history, part of it already sent to a page before (its changes then cross as patches).
    const { main, store, starting, paint } = opening(history(150), (before) => {
      for (const j of before.jobs.values()) if (random() < 0.5) before.upsert(j);
      before.flush();
    });
    let done = false;
    void starting.then(() => (done = true));
    for (let step = 0; !done || step < 300; step += 1) {
      const ids = [...main.jobs.keys()];
      const roll = random();
      if (step >= 300 || roll < 0.15) {
        // The page's side moves on: an answer arrives, or the first screen is painted.
        if (main.answers.length > 0 && random() < 0.7) main.answers.shift()?.();
        else if (!paint()) main.flush();
        await settle();
      } else if (roll < 0.5 && ids.length > 0) {
        const old = main.jobs.get(pick(ids)) as QueueJob;
        const stage = pick(STAGES);
        main.upsert({
          ...old,
          stage,
          updatedAt: T0 + step,
          uploadAttempts: old.uploadAttempts + (random() < 0.3 ? 1 : 0),
          nextUploadAt: stage === 'queued' && random() < 0.5 ? T0 + step : null,
          upload: stage === 'uploading' ? { sentBytes: step * 10, totalBytes: 101_000_000, bytesPerSecond: step, etaSeconds: null } : null,
          server: random() < 0.5 ? old.server : server({ message: `step ${step}`, seq: step }),
        });
      } else if (roll < 0.6) {
        main.upsert(job({ id: `n${step}`, createdAt: T0 + 1_000_000 + step, stage: 'queued' }));
      } else if (roll < 0.7 && ids.length > 0) {
        main.remove(pick(ids));
      } else {
        main.flush();
        // What the page shows is what it was sent: each job it holds as sent.
        if (store.getState().status === 'ready' && main.answers.length === 0) {
          for (const id of store.getState().jobIds) expect(store.job(id)).toEqual(main.sent.get(id));
        }
      }
    }
    await starting;
    main.flush();
    expect(store.getState().jobIds).toEqual(sortNewestFirst([...main.jobs.values()]).map((j) => j.id));
    for (const [id, j] of main.jobs) expect(store.job(id)).toEqual(j);
    expect(store.getState().tally).toEqual(tallyOf(main.jobs.values()));
  });
});
