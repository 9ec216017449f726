/**
 * The shell's start over the fake electron: window security switches, the
 * app:// protocol, session and navigation lockdown, the demo server on a
 * first run and switching to a real server without a restart.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { WARNING_REPEAT_MS } from '../../src/main/shell/IntakeShell';
import { FakeClock } from '../support/fakeClock';
import { FakeBrowserWindow, FakeNotification, fake, preventable, resetFakeElectron } from '../support/fakeElectron';
import { bootShell } from './fixtures/bootShell';
import { fakeCore } from './fixtures/fakeCore';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

beforeEach(() => resetFakeElectron());

describe('shell start', () => {
  it('opens one window with every security switch on, loading app://intake', async () => {
    const { window } = await bootShell();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const prefs = window().options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/out/preload/index.cjs',
    });
    expect(window().loadedUrl).toBe('app://intake/index.html');
    expect(window().visible).toBe(true);
  });

  it('denies navigation, redirects, new windows, webviews and every permission', async () => {
    const { window } = await bootShell();
    const contents = window().webContents;
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = preventable();
      contents.emit(name, event, 'https://evil.example/');
      expect(event.defaultPrevented, name).toBe(true);
    }
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    const granted: boolean[] = [];
    fake.permissionRequestHandler?.(contents, 'media', (ok: boolean) => granted.push(ok), {});
    fake.permissionRequestHandler?.(contents, 'notifications', (ok: boolean) => granted.push(ok), {});
    expect(granted).toEqual([false, false]);
    expect(fake.permissionCheckHandler?.(contents, 'clipboard-read', 'app://intake', {})).toBe(false);
  });

  it('serves the UI through app:// (the handler is registered)', async () => {
    await bootShell();
    expect(fake.protocolHandlers.has('app')).toBe(true);
    const response = await fake.protocolHandlers.get('app')!(new Request('app://intake/../../etc/passwd'));
    expect(response.status).toBe(404);
  });

  it('first run: starts the demo server in <userData>/demo-server and labels it', async () => {
    const { demo, serverAtStart, invoke } = await bootShell();
    expect(demo.starts).toBe(1);
    expect(demo.dataDirs[0]).toMatch(/nonexistent-user-data[/\\]demo-server$/);
    expect(serverAtStart.baseUrl).toBe('http://127.0.0.1:4999/api');
    expect(await invoke('getSnapshot', [undefined])).toMatchObject({ ok: true, value: { demoServer: true } });
  });

  it('configuring a real server switches over without restart and stops the demo server', async () => {
    const { demo, core, invoke, sent, serverAtStart } = await bootShell();
    const result = await invoke('updateSettings', [{ serverUrl: 'https://ai.example.org/api/' }]);
    expect(result).toMatchObject({ ok: true, value: { serverUrl: 'https://ai.example.org/api' } });
    expect(core.queue.servers.at(-1)).toMatchObject({ baseUrl: 'https://ai.example.org/api', token: null, demo: false });
    expect(serverAtStart).toMatchObject({ demo: true, identity: 'demo' }); // the engine names the demo server's jobs 'demo'
    expect(core.connection.servers.at(-1)).toBe('https://ai.example.org/api');
    expect(demo.closes).toBe(1);
    expect(await invoke('getSnapshot', [undefined])).toMatchObject({ ok: true, value: { demoServer: false } });
    expect(sent('demoServer')).toEqual([false]);
    // And back to the demo server.
    await invoke('updateSettings', [{ serverUrl: null }]);
    expect(demo.starts).toBe(2);
    expect(core.connection.servers.at(-1)).toBe('http://127.0.0.1:4999/api');
    expect(sent('demoServer')).toEqual([false, true]);
    expect(core.queue.servers.at(-1)).toMatchObject({ identity: 'demo' });
  });

  it('warnings from the stores and from loading the saved queue are logged and shown (heard before the queue starts)', async () => {
    const core = fakeCore();
    core.queue.startWarnings = ['2 saved jobs could not be read and were left out.'];
    const boot = await bootShell({ core, storeWarnings: { settings: ['The settings file was damaged; it was kept aside and defaults are used.'] } });
    expect(boot.logger.lines.some((line) => line.includes('2 saved jobs could not be read'))).toBe(true);
    expect(boot.logger.lines.some((line) => line.includes('settings file was damaged'))).toBe(true);
    expect(FakeNotification.instances.map((n) => n.options.body)).toEqual([
      'The settings file was damaged; it was kept aside and defaults are used.',
      '2 saved jobs could not be read and were left out.',
    ]);
  });

  it('a warning that repeats (a disk that stays full) is shown again only after WARNING_REPEAT_MS', async () => {
    const clock = new FakeClock();
    const core = fakeCore();
    await bootShell({ core, clock });
    const shown = () => FakeNotification.instances.filter((n) => n.options.body === 'The queue could not be saved to disk: ENOSPC').length;
    core.queue.warn('The queue could not be saved to disk: ENOSPC');
    core.queue.warn('The queue could not be saved to disk: ENOSPC');
    expect(shown()).toBe(1);
    clock.advance(WARNING_REPEAT_MS - 1);
    core.queue.warn('The queue could not be saved to disk: ENOSPC');
    expect(shown()).toBe(1);
    clock.advance(1);
    core.queue.warn('The queue could not be saved to disk: ENOSPC');
    expect(shown()).toBe(2);
  });

  it('if the demo server cannot start, the switch is refused and the previous server stays', async () => {
    let starts = 0;
    const boot = await bootShell({
      settings: { serverUrl: 'https://ai.example.org/api' },
      startDemoServer: async () => {
        starts++;
        throw new Error('EADDRINUSE');
      },
    });
    const result = await boot.invoke('updateSettings', [{ serverUrl: null, uploadConcurrency: 3, startAtLogin: true }]);
    expect(result).toEqual({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('previous server') } });
    expect(starts).toBe(1);
    expect(boot.core.connection.servers).toEqual([]);
    // The rest of the same patch was saved, so it is also in effect.
    expect(await boot.invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { serverUrl: 'https://ai.example.org/api', uploadConcurrency: 3, startAtLogin: true } });
    expect(boot.core.queue.concurrency).toEqual([3]);
    expect(fake.app.loginItem.openAtLogin).toBe(true);
  });

  it('a failed switch does not roll back over a newer server change queued behind it', async () => {
    const boot = await bootShell({
      settings: { serverUrl: 'https://ai.example.org/api' },
      startDemoServer: async () => {
        throw new Error('EADDRINUSE');
      },
    });
    const [failed, newer] = await Promise.all([
      boot.invoke('updateSettings', [{ serverUrl: null }]),
      boot.invoke('updateSettings', [{ serverUrl: 'https://two.example.org/api' }]),
    ]);
    expect(failed).toMatchObject({ ok: false });
    expect(newer).toMatchObject({ ok: true });
    expect(boot.core.connection.servers.at(-1)).toBe('https://two.example.org/api');
    expect(await boot.invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { serverUrl: 'https://two.example.org/api' } });
  });

  it('quick successive server changes end on the last one', async () => {
    const { core, invoke } = await bootShell();
    await Promise.all([
      invoke('updateSettings', [{ serverUrl: 'https://one.example/api' }]),
      invoke('updateSettings', [{ serverUrl: null }]),
      invoke('updateSettings', [{ serverUrl: 'https://three.example/api' }]),
    ]);
    expect(core.connection.servers.at(-1)).toBe('https://three.example/api');
    expect(core.queue.servers.at(-1)?.baseUrl).toBe('https://three.example/api');
  });

  it('a configured server is used at start; no demo server runs', async () => {
    const { demo, serverAtStart } = await bootShell({ settings: { serverUrl: 'https://ai.example.org/api' } });
    expect(demo.starts).toBe(0);
    expect(serverAtStart.baseUrl).toBe('https://ai.example.org/api');
  });

  it('refuses an insecure remote server with a specific message and changes nothing', async () => {
    const { core, invoke, demo } = await bootShell();
    const result = await invoke('updateSettings', [{ serverUrl: 'http://ai.example.org/api' }]);
    expect(result).toEqual({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('https://') } });
    expect(core.connection.servers).toEqual([]);
    expect(demo.closes).toBe(0);
  });

  it('starts the core: queue, then the connection; applies start-at-login when changed', async () => {
    const { core, invoke } = await bootShell();
    expect(core.connection.started).toBe(true);
    await invoke('updateSettings', [{ startAtLogin: true, uploadConcurrency: 4 }]);
    expect(fake.app.loginItem.openAtLogin).toBe(true);
    expect(core.queue.concurrency).toEqual([4]);
  });

  it('brings the OS login item in line with the setting at start', async () => {
    fake.app.loginItem.openAtLogin = true; // changed outside Intake
    await bootShell({ settings: { startAtLogin: false } });
    expect(fake.app.loginItem.openAtLogin).toBe(false);
    resetFakeElectron();
    await bootShell({ settings: { startAtLogin: true } });
    expect(fake.app.loginItem.openAtLogin).toBe(true);
  });

  it('restores window bounds that are on screen, ignores ones that are not', async () => {
    const first = await bootShell();
    first.window().bounds = { x: 50, y: 60, width: 900, height: 700 };
    first.window().close();
    resetFakeElectron();
    const second = await bootShell({ settingsData: first.stores.settings.data });
    expect(second.window().options).toMatchObject({ x: 50, y: 60, width: 900, height: 700 });
    resetFakeElectron();
    fake.displays = [{ workArea: { x: 2000, y: 0, width: 1280, height: 800 } }]; // the old monitor is gone
    const third = await bootShell({ settingsData: first.stores.settings.data });
    expect(third.window().options.x).toBeUndefined();
    expect(third.window().options).toMatchObject({ width: 1100, height: 760 });
  });

  it('saves the window bounds when the window is closed', async () => {
    const { window, stores } = await bootShell();
    window().bounds = { x: 10, y: 20, width: 1000, height: 650 };
    window().close();
    expect(stores.settings.get('windowBounds')).toEqual({ x: 10, y: 20, width: 1000, height: 650 });
  });
});


describe('development mode', () => {
  it('loads the dev server with a dev CSP header, trusts only that origin, keeps the default menu', async () => {
    const boot = await bootShell({ devServerUrl: 'http://localhost:5173' });
    expect(boot.window().loadedUrl).toBe('http://localhost:5173');
    expect(fake.protocolHandlers.has('app')).toBe(false);
    const responses: unknown[] = [];
    fake.headersListener?.({ responseHeaders: { 'X-Other': ['1'] } }, (response) => responses.push(response));
    expect(responses).toEqual([
      { responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [expect.stringContaining('connect-src \'self\' ws://localhost:5173')] } },
    ]);
    expect(fake.calls.some((c) => c.api === 'Menu' && c.method === 'setApplicationMenu')).toBe(false);
    expect(await boot.invoke('getSnapshot', [undefined])).toMatchObject({ ok: true });
  });

  it('application menu: standard menus on macOS; none in production elsewhere (no reload or devtools accelerators)', async () => {
    const { installApplicationMenu } = await import('../../src/main/window/applicationMenu');
    const menus = () => fake.calls.filter((c) => c.api === 'Menu' && c.method === 'setApplicationMenu').map((c) => c.args[0]);
    installApplicationMenu('linux', false);
    expect(menus()).toEqual([null]);
    installApplicationMenu('win32', true);
    expect(menus()).toEqual([null]);
    installApplicationMenu('darwin', false);
    const mac = menus()[1] as { items: Array<{ role: string }> };
    expect(mac.items.map((i) => i.role)).toEqual(['appMenu', 'editMenu', 'windowMenu']);
  });
});
