/**
 * Proxy credentials in the app, over the fake electron against a real tinyproxy
 * with Basic auth and the reference server over HTTPS/WSS: without credentials
 * the indicator says the proxy wants them and main opens its own sign-in window
 * (its own preload; the Intake page cannot answer it); a wrong password asks
 * again; after the dialog a full job goes through. The credentials are stored
 * encrypted with safeStorage and appear in no log and nothing sent to a page.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock';
import { DROPPED_PATH_CHANNEL, ipcChannel } from '../../src/shared/ipc';
import { PROXY_LOGIN_CHANNELS, type ProxyLoginBridge } from '../../src/shared/proxyLogin';
import { makeCertificates, type TestCertificates } from '../support/certificates';
import { FakeBrowserWindow, allSentPayloads, electronModule, fake, ipcEventFrom, resetFakeElectron } from '../support/fakeElectron';
import { makeTempDir, type TempDir } from '../support/files';
import { startServer } from '../support/referenceServer';
import { startTinyproxy } from '../support/tinyproxy';
import { memoryKeyValueStore } from '../../src/main/persistence/keyValueStore';
import { proxyLoginStore } from '../../src/main/persistence/proxyLoginStore';
import { bootShell } from './fixtures/bootShell';
import { memoryLogger } from './fixtures/memoryLogger';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

let dir: TempDir;
let certs: TestCertificates;
beforeAll(async () => {
  dir = await makeTempDir('intake-proxy-login-app-');
  certs = makeCertificates(dir.path);
});
afterAll(() => dir.remove());
beforeEach(() => resetFakeElectron());

const USER = 'ward7-nurse';
const PASSWORD = 'Pr0xy-VERY-secret';
const dialogs = () => FakeBrowserWindow.instances.filter((w) => w.options.title === 'Proxy sign-in — Intake');

describe('proxy sign-in (app)', () => {
  it('asks in main’s own window, asks again after a wrong password, then a full job goes through; stored encrypted, never logged or sent to the page', async () => {
    const proxy = await startTinyproxy({ dir: dir.path, auth: { username: USER, password: PASSWORD } });
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const boot = await bootShell({
      clock: systemClock,
      realCore: true,
      settings: { serverUrl: server.url, proxyMode: 'manual', proxyUrl: proxy.url, caFile: certs.caFile },
    });
    const { engine } = boot.running;
    try {
      // The socket's tunnel is refused with 407: the indicator names the proxy, and main asks.
      await vi.waitFor(() => expect(engine.connection.state.reason).toContain(`The proxy ${proxy.url} wants credentials`), { timeout: 10_000, interval: 20 });
      await vi.waitFor(() => expect(dialogs()).toHaveLength(1), { timeout: 10_000, interval: 20 });
      const first = dialogs()[0]!;
      expect(first.loadedUrl).toBe('app://intake/proxyLogin.html');
      expect(first.options).toMatchObject({ modal: true, webPreferences: { preload: '/app/out/preload/proxyLogin.cjs' } });
      // The Intake page cannot answer the dialog's calls.
      const intakeWindow = FakeBrowserWindow.instances.find((w) => w.options.title === 'Intake')!;
      // Its security switches are written out again for the scanner (proxyLoginDialog.ts): they must be the Intake window's, all of them.
      const { preload: _dialogPreload, ...dialogSwitches } = first.options.webPreferences as Record<string, unknown>;
      const { preload: _windowPreload, ...windowSwitches } = intakeWindow.options.webPreferences as Record<string, unknown>;
      expect(dialogSwitches).toEqual(windowSwitches);
      // The page's indicator gets the failed step as a field.
      const states = () => intakeWindow.webContents.sent.filter((s) => s.channel === ipcChannel('connection')).map((s) => s.payload);
      await vi.waitFor(() => expect(states()).toContainEqual(expect.objectContaining({ problem: expect.objectContaining({ step: 'proxy_auth' }) })), { timeout: 10_000, interval: 20 });
      expect(await fake.ipcMain.invoke(PROXY_LOGIN_CHANNELS.details, ipcEventFrom(intakeWindow))).toBeNull();

      // The dialog's page, through its real preload.
      fake.rendererInvokeEvent = ipcEventFrom(first);
      await import('../../src/preload/proxyLogin');
      const bridge = fake.exposed.get('proxyLogin') as ProxyLoginBridge;
      expect(await bridge.details()).toEqual({ proxy: proxy.url, refused: false });
      expect(await bridge.submit({ username: 'a:b', password: 'x' })).toContain('cannot contain ":"');
      expect(await bridge.submit({ username: USER, password: 'wrong' })).toBeNull();
      expect(first.destroyed).toBe(true);

      // tinyproxy refuses wrong credentials on the tunnel: asked again, told why.
      await vi.waitFor(() => expect(dialogs()).toHaveLength(2), { timeout: 10_000, interval: 20 });
      fake.rendererInvokeEvent = ipcEventFrom(dialogs()[1]!);
      expect(await bridge.details()).toEqual({ proxy: proxy.url, refused: true });
      expect(await bridge.submit({ username: USER, password: PASSWORD })).toBeNull();

      await vi.waitFor(() => expect(engine.connection.state.state).toBe('connected'), { timeout: 10_000, interval: 20 });
      const file = await dir.pdf('proxied.pdf');
      fake.ipcMain.emit(DROPPED_PATH_CHANNEL, ipcEventFrom(intakeWindow), file);
      const enqueued = (await fake.ipcMain.invoke(ipcChannel('enqueue'), ipcEventFrom(intakeWindow), { chartNumber: 'PXL-1', files: [file] })) as { ok: true; value: { id: string } };
      expect(enqueued.ok).toBe(true);
      await vi.waitFor(() => expect(engine.queue.get(enqueued.value.id)?.stage).toBe('completed'), { timeout: 20_000, interval: 50 });
      expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${new URL(server.url).port}`);
      expect(dialogs()).toHaveLength(2);

      const stored = boot.stores.settings.get('proxyLogin') as { kind: string; proxy: string; data: string };
      expect(stored).toMatchObject({ kind: 'safeStorage', proxy: proxy.url });
      const everything = JSON.stringify([boot.stores.settings.data, allSentPayloads(), boot.logger.lines, await fake.ipcMain.invoke(ipcChannel('getSettings'), ipcEventFrom(intakeWindow), undefined)]);
      expect(everything).not.toContain(PASSWORD);
      expect(everything).not.toContain(USER);
    } finally {
      await engine.dispose();
    }
  }, 60_000);

  it('saved credentials are used after a restart without asking; another proxy setting forgets them; without secure storage they are never written', async () => {
    const proxy = await startTinyproxy({ dir: dir.path, auth: { username: USER, password: PASSWORD } });
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const data = electronModule.safeStorage.encryptString(JSON.stringify({ username: USER, password: PASSWORD })).toString('base64');
    const settings = { serverUrl: server.url, proxyMode: 'manual', proxyUrl: proxy.url, caFile: certs.caFile };
    const boot = await bootShell({ clock: systemClock, realCore: true, settings, settingsData: { proxyLogin: { kind: 'safeStorage', proxy: proxy.url, data } } });
    try {
      await vi.waitFor(() => expect(boot.running.engine.connection.state.state).toBe('connected'), { timeout: 10_000, interval: 20 });
      expect(dialogs()).toHaveLength(0);
      expect(await boot.invoke('updateSettings', [{ proxyUrl: 'http://127.0.0.1:1' }])).toMatchObject({ ok: true });
      expect(boot.stores.settings.get('proxyLogin')).toBeUndefined();
    } finally {
      await boot.running.engine.dispose();
    }

    const store = memoryKeyValueStore();
    const keep = proxyLoginStore(store, { ...electronModule.safeStorage, isEncryptionAvailable: () => false }, memoryLogger());
    keep.save({ proxy: proxy.url, username: USER, password: PASSWORD });
    expect(store.data).toEqual({});
  }, 60_000);
});
