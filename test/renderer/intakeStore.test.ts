// @vitest-environment happy-dom
/** The store mirrors main: snapshot, then deltas — none lost in between, endings announced once. */
import { describe, expect, it } from 'vitest';
import { IPC_EVENT_NAMES } from '../../src/shared/ipc';
import { IntakeStore, type MainCommand } from '../../src/renderer/store/intakeStore';
import { fakeBridge, snapshotOf } from './fakeBridge';
import { T0, job } from './jobFixtures';

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
