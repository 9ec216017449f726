/**
 * Settings → Server → Backend type over the fake electron, with the real core
 * and the reference server speaking socketio-events: choosing the preset
 * switches the server of record to that dialect, a job runs to completed and
 * a batch's `batch:update` reaches the page;
 * a custom dialect file is taken only from main's file dialog, and a
 * malformed one is refused naming the field, the previous backend in force.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock';
import { parsePolicy } from '../../src/core/policy/managedPolicy';
import { SOCKETIO_EVENTS } from '../../src/shared/dialect';
import { fake, resetFakeElectron } from '../support/fakeElectron';
import { makeTempDir, type TempDir } from '../support/files';
import { startServer } from '../support/referenceServer';
import { bootShell } from './fixtures/bootShell';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('intake-backend-setting-');
});
afterAll(() => dir.remove());
beforeEach(() => resetFakeElectron());

const WAIT = { timeout: 30_000, interval: 50 };

describe('Settings → Server → Backend type (app)', () => {
  it('socketio-events against a seed-004 server: the dialect is the server of record and a job runs to completed', async () => {
    const server = await startServer({ dialect: SOCKETIO_EVENTS, phaseMs: 10 });
    const boot = await bootShell({ clock: systemClock, realCore: true, settings: { serverUrl: server.url, proxyMode: 'none' } });
    const { engine } = boot.running;
    try {
      expect(engine.server.dialect).toMatchObject({ name: 'intake' });
      expect(await boot.invoke('updateSettings', [{ backend: 'socketio-events' }])).toMatchObject({ ok: true, value: { backend: 'socketio-events' } });
      expect(engine.server.dialect).toMatchObject({ name: 'socketio-events' });
      expect(engine.server.wsUrl).toBe(`${new URL(server.url).origin}/socket.io`);
      await vi.waitFor(() => expect(engine.connection.state.state).toBe('connected'), WAIT);

      const file = await dir.pdf('events.pdf');
      boot.grant(file);
      const enqueued = (await boot.invoke('enqueue', [{ chartNumber: 'EV-1', files: [file] }])) as { ok: true; value: { id: string } };
      expect(enqueued.ok).toBe(true);
      await vi.waitFor(() => expect(engine.queue.get(enqueued.value.id)?.stage).toBe('completed'), WAIT);
      expect(engine.queue.get(enqueued.value.id)).toMatchObject({ server: { statusWord: 'DELIVERED' } });
      expect(boot.stores.settings.get('settings')).toMatchObject({ backend: 'socketio-events' });

      // A batch (a jobs file, the hot folder): the server's batch:update reaches the page over the typed IPC.
      const batch = await engine.queue.enqueueMany([
        { chartNumber: 'EV-2', files: [await dir.pdf('events-2.pdf')] },
        { chartNumber: 'EV-3', files: [await dir.pdf('events-3.pdf')] },
      ]);
      const batchId = batch[0]?.ok ? batch[0].job.batchId : undefined;
      expect(batchId).toEqual(expect.any(String));
      await vi.waitFor(() => expect(boot.sent('batch')).toContainEqual(expect.objectContaining({ batchId, total: 2, completed: 2 })), WAIT);
    } finally {
      await engine.dispose();
    }
  }, 60_000);

  it('a custom file only from main’s dialog; a malformed one names the field and keeps the previous backend', async () => {
    const boot = await bootShell({ settings: { backend: 'socketio-rooms' } });
    const good = join(dir.path, 'acme.json');
    await writeFile(good, JSON.stringify({ name: 'acme', base: 'socketio-events', events: { updates: ['tick'] } }));
    const bad = join(dir.path, 'broken.json');
    await writeFile(bad, JSON.stringify({ name: 'broken', base: 'socketio-events', rest: { status: '/jobs/' } }));

    // A path from the page is refused, whatever it holds.
    expect(await boot.invoke('updateSettings', [{ backend: good }])).toMatchObject({ ok: false, error: { message: expect.stringContaining('"Custom dialect file…"') } });

    fake.dialogResult = { canceled: false, filePaths: [bad] };
    expect(await boot.invoke('pickDialectFile', [undefined])).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: `The dialect file ${bad} is not usable: rest.status: must contain "{id}" exactly once` },
    });
    expect(await boot.invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { backend: 'socketio-rooms' } });
    expect(boot.stores.settings.get('settings')).toMatchObject({ backend: 'socketio-rooms' });

    fake.dialogResult = { canceled: false, filePaths: [good] };
    expect(await boot.invoke('pickDialectFile', [undefined])).toMatchObject({ ok: true, value: { backend: good } });
    fake.dialogResult = { canceled: true, filePaths: [] };
    expect(await boot.invoke('pickDialectFile', [undefined])).toMatchObject({ ok: true, value: { backend: good } });
    // Back to a preset from the page is fine.
    expect(await boot.invoke('updateSettings', [{ backend: 'intake' }])).toMatchObject({ ok: true, value: { backend: 'intake' } });
  });

  it('presettable and lockable by policy: a locked backend opens no dialog', async () => {
    const policy = parsePolicy(JSON.stringify({ settings: { backend: 'socketio-events' }, locked: ['backend'] }), '/etc/intake/policy.json');
    const boot = await bootShell({ policy });
    expect(await boot.invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { backend: 'socketio-events', locked: ['backend'] } });
    fake.dialogResult = { canceled: false, filePaths: [join(dir.path, 'acme.json')] };
    expect(await boot.invoke('pickDialectFile', [undefined])).toMatchObject({ ok: false, error: { message: expect.stringContaining('"backend" is set by your administrator') } });
    expect(await boot.invoke('updateSettings', [{ backend: 'intake' }])).toMatchObject({ ok: false, error: { message: expect.stringContaining('"backend"') } });
    expect(fake.calls.filter((c) => c.api === 'dialog')).toEqual([]);
  });
});
