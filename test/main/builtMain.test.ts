/**
 * The BUILT main process (out/main/index.js, as electron-vite bundles it)
 * started over the fake electron: proves the bundle's own wiring — the
 * preload and UI paths it computes exist, app:// serves the built UI with
 * its CSP, the first run starts the demo server, and a job sent over IPC
 * completes. electron-store is replaced by an in-memory fake (it needs a
 * running Electron). Needs a build first (`npm test` builds).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DROPPED_PATH_CHANNEL, ipcChannel, type QueueSnapshot } from '../../src/shared/ipc';
import { FakeBrowserWindow, FakeTray, FakeUtilityProcess, fake, ipcEventFrom, resetFakeElectron } from '../support/fakeElectron';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);
vi.mock('electron-store', () => ({
  default: class InMemoryElectronStore {
    private data = new Map<string, unknown>();
    get(key: string) {
      return this.data.get(key);
    }
    set(key: string, value: unknown) {
      this.data.set(key, value);
    }
    delete(key: string) {
      this.data.delete(key);
    }
  },
}));

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const builtMain = join(root, 'out/main/index.js');
let dir: string;

beforeAll(() => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'intake-built-main-'));
  fake.app.appPath = root;
  process.env.INTAKE_USER_DATA = join(dir, 'profile');
});
afterAll(() => {
  delete process.env.INTAKE_USER_DATA;
  rmSync(dir, { recursive: true, force: true });
});

const invoke = async <T>(name: Parameters<typeof ipcChannel>[0], input?: unknown): Promise<{ ok: boolean; value: T; error?: { message: string } }> => {
  const window = FakeBrowserWindow.instances[0]!;
  return (await fake.ipcMain.invoke(ipcChannel(name), ipcEventFrom(window), input)) as { ok: boolean; value: T };
};

describe('built main process', () => {
  it('starts from out/main/index.js, serves the built UI, and carries a job to completion', async () => {
    expect(existsSync(builtMain), 'build first: npx electron-vite build').toBe(true);
    await import(/* @vite-ignore */ builtMain);
    await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1), { timeout: 30_000 });
    const window = FakeBrowserWindow.instances[0]!;

    expect(fake.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(fake.app.paths.userData).toBe(join(dir, 'profile'));
    const preload = (window.options.webPreferences as { preload: string }).preload;
    expect(preload).toBe(join(root, 'out/preload/index.cjs'));
    expect(existsSync(preload)).toBe(true);
    expect(window.loadedUrl).toBe('app://intake/index.html');
    const page = await fake.protocolHandlers.get('app')!(new Request('app://intake/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('<div id="root"></div>');

    await vi.waitFor(async () => expect((await invoke<QueueSnapshot>('getSnapshot')).value.connection.state).toBe('connected'), { timeout: 30_000 });
    // The tray exists before the core starts (state 'stopped' shows offline); once connected with nothing open it is idle.
    const trayImage = () => (FakeTray.instances[0]?.image as { path: string } | undefined)?.path ?? '';
    await vi.waitFor(() => expect(trayImage()).toBe(join(root, 'resources/tray/idle.png')), { timeout: 5_000 });
    expect(existsSync(trayImage())).toBe(true);
    expect((await invoke<QueueSnapshot>('getSnapshot')).value.demoServer).toBe(true);
    // The engine runs in its own process: the built host entry, forked as Electron's utilityProcess.
    expect(FakeUtilityProcess.instances.map((host) => host.modulePath)).toEqual([join(root, 'out/main/coreHost.js')]);
    expect(FakeUtilityProcess.instances[0]!.options).toMatchObject({ serviceName: 'Intake core' });

    const file = join(dir, 'scan.pdf');
    writeFileSync(file, '%PDF-1.4\n1 0 obj\n<< /Type /Page >>\nendobj\n%%EOF\n');
    // As the preload does for a file dropped on the window: main reads only what the user handed over.
    fake.ipcMain.emit(DROPPED_PATH_CHANNEL, ipcEventFrom(FakeBrowserWindow.instances[0]!), file);
    const enqueued = await invoke<{ id: string }>('enqueue', { chartNumber: 'BUILT-1', files: [file] });
    expect(enqueued.ok, enqueued.error?.message).toBe(true);
    await vi.waitFor(
      async () => expect((await invoke<QueueSnapshot>('getSnapshot')).value.jobs.find((j) => j.id === enqueued.value.id)?.stage).toBe('completed'),
      { timeout: 60_000, interval: 200 },
    );

    const host = FakeUtilityProcess.instances[0]!.child;
    fake.app.quit();
    await vi.waitFor(() => expect(fake.app.quitCount).toBe(1), { timeout: 15_000 });
    // Quit ends the engine in its process (every job durable), and that process exits on its own.
    await vi.waitFor(() => expect(host.exitCode).toBe(0), { timeout: 10_000 });
  }, 120_000);
});
