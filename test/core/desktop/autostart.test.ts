// Start at login on Linux: the XDG autostart entry is written and removed with the setting.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTOSTART_FILE_NAME, autostartDir, autostartEntry, startedAtLogin, xdgLoginItem } from '../../../src/core/desktop/autostart';
import { pathsFromArgv } from '../../../src/core/desktop/launchArgs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'intake-autostart-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('XDG autostart', () => {
  it('the entry is written when turned on and removed when turned off', () => {
    const autostart = join(dir, 'config', 'autostart');
    const item = xdgLoginItem({ dir: autostart, execPath: '/opt/Intake/intake' });
    expect(item.enabled()).toBe(false);
    item.set(true);
    const file = join(autostart, AUTOSTART_FILE_NAME);
    expect(readFileSync(file, 'utf8')).toContain('Exec=/opt/Intake/intake --started-at-login\n');
    expect(item.enabled()).toBe(true);
    item.set(false);
    expect(existsSync(file)).toBe(false);
    expect(item.enabled()).toBe(false);
    item.set(false);
  });

  it('quotes an executable path with spaces or reserved characters as the spec says', () => {
    expect(autostartEntry('/home/a b/Intake-0.1.0.AppImage')).toContain('Exec="/home/a b/Intake-0.1.0.AppImage" --started-at-login');
    expect(autostartEntry('/x/$HOME"q')).toContain('Exec="/x/\\$HOME\\"q" --started-at-login');
    expect(autostartEntry('/opt/Intake/intake')).toMatch(/^\[Desktop Entry\]\nType=Application\nName=Intake\n/);
  });

  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart (a relative XDG_CONFIG_HOME is ignored)', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/n')).toBe('/cfg/autostart');
    expect(autostartDir({}, '/home/n')).toBe('/home/n/.config/autostart');
    expect(autostartDir({ XDG_CONFIG_HOME: 'rel' }, '/home/n')).toBe('/home/n/.config/autostart');
  });

  it('a login start is recognised by its argument, which is never taken for a document', () => {
    expect(startedAtLogin(['/opt/Intake/intake', '--started-at-login'])).toBe(true);
    expect(startedAtLogin(['/opt/Intake/intake'])).toBe(false);
    expect(pathsFromArgv(['/opt/Intake/intake', '--started-at-login'], { workingDirectory: '/', exists: () => true })).toEqual([]);
  });
});
