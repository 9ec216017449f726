// Start at login on Linux: the XDG autostart entry is written and removed with the setting.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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

  it('the entry starts the app quietly at login: no terminal window, GNOME\'s switch on, a comment for the startup list, readable by the session and written by the user alone', () => {
    const autostart = join(dir, 'autostart');
    xdgLoginItem({ dir: autostart, execPath: '/opt/Intake/intake' }).set(true);
    const file = join(autostart, AUTOSTART_FILE_NAME);
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines[0]).toBe('[Desktop Entry]');
    // Every other line is key=value, each key once (a desktop file reader takes the last or refuses the file).
    const entries = lines.slice(1).map((line) => line.match(/^([A-Za-z0-9-]+)=(.+)$/)?.slice(1));
    expect(entries.every((entry) => entry !== undefined)).toBe(true);
    const keys = Object.fromEntries(entries as Array<[string, string]>);
    expect(Object.keys(keys)).toHaveLength(entries.length);
    expect(keys).toMatchObject({ Type: 'Application', Name: 'Intake', Terminal: 'false', 'X-GNOME-Autostart-enabled': 'true' });
    expect(keys.Comment).toMatch(/\w+ \w+/);
    expect(statSync(file).mode & 0o777).toBe(0o644);
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
