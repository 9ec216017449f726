/**
 * Start at login over the fake electron: on Linux the XDG autostart entry is
 * written and removed with the setting; a launch from the login item (our
 * argument) shows the tray only, no window.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTOSTART_FILE_NAME, STARTED_AT_LOGIN_ARG, xdgLoginItem } from '../../src/core/desktop/autostart';
import { FakeBrowserWindow, FakeTray, fake, resetFakeElectron } from '../support/fakeElectron';
import { bootShell } from './fixtures/bootShell';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

let dir: string;
beforeEach(() => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'intake-login-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('start at login', () => {
  it('Linux: the autostart entry follows the setting at start and when changed', async () => {
    const autostart = join(dir, 'autostart');
    const entry = join(autostart, AUTOSTART_FILE_NAME);
    const loginItem = xdgLoginItem({ dir: autostart, execPath: '/opt/Intake/intake' });
    const boot = await bootShell({ loginItem, settings: { startAtLogin: true } });
    expect(readFileSync(entry, 'utf8')).toContain(`Exec=/opt/Intake/intake ${STARTED_AT_LOGIN_ARG}`);
    expect(await boot.invoke('updateSettings', [{ startAtLogin: false }])).toMatchObject({ ok: true });
    expect(existsSync(entry)).toBe(false);
    expect(await boot.invoke('updateSettings', [{ startAtLogin: true }])).toMatchObject({ ok: true });
    expect(existsSync(entry)).toBe(true);
  });

  it('other OSes: Electron’s login item, started with our argument', async () => {
    const boot = await bootShell();
    await boot.invoke('updateSettings', [{ startAtLogin: true }]);
    expect(fake.calls.filter((c) => c.method === 'setLoginItemSettings').map((c) => c.args[0])).toEqual([{ openAtLogin: true, args: [STARTED_AT_LOGIN_ARG] }]);
  });

  it('started at login: the tray only, no window; a normal start shows the window', async () => {
    await bootShell({ argv: ['/usr/bin/intake', STARTED_AT_LOGIN_ARG] });
    expect(FakeTray.instances).toHaveLength(1);
    expect(FakeBrowserWindow.instances.every((w) => !w.visible)).toBe(true);
    resetFakeElectron();
    await bootShell({ argv: ['/usr/bin/intake'] });
    expect(FakeBrowserWindow.instances.at(-1)?.visible).toBe(true);
  });
});
