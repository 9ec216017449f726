/**
 * The custom CA setting in the app, over the fake electron with the real core and
 * the reference server over HTTPS/WSS signed by a CA made in this test: without
 * the CA the socket and the upload fail with a certificate error that names the
 * server (and the indicator gets the TLS step); the CA chosen in main's file
 * dialog makes the same job complete, live, over WSS; set at start it just works.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock';
import { DROPPED_PATH_CHANNEL, ipcChannel } from '../../src/shared/ipc';
import { makeCertificates, type TestCertificates } from '../support/certificates';
import { FakeBrowserWindow, fake, ipcEventFrom, resetFakeElectron } from '../support/fakeElectron';
import { makeTempDir, type TempDir } from '../support/files';
import { startServer } from '../support/referenceServer';
import { bootShell } from './fixtures/bootShell';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

let dir: TempDir;
let certs: TestCertificates;
beforeAll(async () => {
  dir = await makeTempDir('intake-custom-ca-');
  certs = makeCertificates(dir.path);
});
afterAll(() => dir.remove());
beforeEach(() => resetFakeElectron());

const WAIT = { timeout: 30_000, interval: 50 };

describe('custom CA certificate (app)', () => {
  it('without it: a certificate error naming the server; chosen in Settings → Network: the job completes over HTTPS/WSS', async () => {
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const host = new URL(server.url).host;
    const boot = await bootShell({ clock: systemClock, realCore: true, settings: { serverUrl: server.url, proxyMode: 'none' } });
    const { engine } = boot.running;
    const page = ipcEventFrom(FakeBrowserWindow.instances.find((w) => w.options.title === 'Intake')!);
    try {
      await vi.waitFor(() => expect(engine.connection.state).toMatchObject({ problem: { step: 'tls', message: expect.stringContaining(`The certificate of ${host} is signed by an unknown authority`) } }), WAIT);

      const file = await dir.pdf('private-ca.pdf');
      fake.ipcMain.emit(DROPPED_PATH_CHANNEL, page, file);
      const enqueued = (await fake.ipcMain.invoke(ipcChannel('enqueue'), page, { chartNumber: 'CA-1', files: [file] })) as { ok: true; value: { id: string } };
      expect(enqueued.ok).toBe(true);
      const id = enqueued.value.id;
      await vi.waitFor(() => expect(engine.queue.get(id)?.error?.message).toContain(`The certificate of ${host} is signed by an unknown authority`), WAIT);
      expect(server.stats.uploadsAccepted).toBe(0);

      fake.dialogResult = { canceled: false, filePaths: [certs.caFile] };
      expect(await fake.ipcMain.invoke(ipcChannel('pickCaFile'), page, undefined)).toMatchObject({ ok: true, value: { caFile: certs.caFile } });
      await vi.waitFor(() => expect(engine.queue.get(id)?.stage).toBe('completed'), WAIT);
      expect(engine.connection.state.state).toBe('connected');
      expect(await engine.queue.getResults(id)).not.toBeNull();
    } finally {
      await engine.dispose();
    }
  }, 60_000);

  it('set before the start: connected over WSS at once', async () => {
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const boot = await bootShell({ clock: systemClock, realCore: true, settings: { serverUrl: server.url, proxyMode: 'none', caFile: certs.caFile } });
    try {
      await vi.waitFor(() => expect(boot.running.engine.connection.state.state).toBe('connected'), WAIT);
    } finally {
      await boot.running.engine.dispose();
    }
  });
});
