/**
 * Edges of the desktop rules a user (or an attacker) can reach: app:// paths
 * without a slash, the dev-server CSP, what a grant refuses, windows partly
 * on a display, the exact words of the confirmation dialogs, and settings
 * patches the schema refuses.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appAssetPath, devServerCsp } from '../../../src/core/desktop/appAssetPath';
import { pathsFromArgv } from '../../../src/core/desktop/launchArgs';
import { plainDataProblem } from '../../../src/core/desktop/plainData';
import { isTrustedUiUrl } from '../../../src/core/desktop/senderPolicy';
import { MAX_GRANTS, PathGrants } from '../../../src/core/desktop/pathGrants';
import { serverChangeConfirmation } from '../../../src/core/desktop/serverChangeConfirmation';
import { applySettingsPatch, settingsFromStored } from '../../../src/core/desktop/settingsUpdate';
import { restorableBounds } from '../../../src/core/desktop/windowBounds';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings';

const root = resolve('/app/out/renderer');

describe('app:// paths and the development CSP', () => {
  it('app://intake without a slash is the UI page; leading double slashes stay under the UI folder', () => {
    expect(appAssetPath('app://intake', root)).toBe(join(root, 'index.html'));
    expect(appAssetPath('app://intake//assets/a.js', root)).toBe(join(root, 'assets/a.js'));
  });

  it('the dev-server CSP lets the page reach its dev server (ws, or wss for https) and nothing else', () => {
    expect(devServerCsp('http://localhost:5173/')).toBe(
      "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self' ws://localhost:5173; base-uri 'none'; form-action 'none'; object-src 'none'",
    );
    expect(devServerCsp('https://dev.example:8443')).toContain("connect-src 'self' wss://dev.example:8443;");
  });
});

describe('PathGrants edges', () => {
  it('grants only absolute, non-empty paths without NUL; a path with NUL is never readable', () => {
    const grants = new PathGrants();
    expect(grants.grant(['', 'relative.pdf', '/a\0b.pdf', 42 as unknown as string, '/ok.pdf'], 'drop')).toEqual(['/ok.pdf']);
    grants.grant(['/drop'], 'drop');
    expect(grants.isGranted('/drop/a.pdf\0.txt')).toBe(false);
    expect(grants.isGranted(undefined as unknown as string)).toBe(false);
    expect(grants.isGranted('/drop/a.pdf')).toBe(true);
  });

  it('keeps exactly MAX_GRANTS grants', () => {
    const grants = new PathGrants();
    grants.grant(Array.from({ length: MAX_GRANTS }, (_, i) => `/many/${i}.pdf`), 'drop');
    expect(grants.isGranted('/many/0.pdf')).toBe(true);
  });

  it('a path written as a network path (//…) is refused unless the picker chose it, even where it means a local folder', () => {
    const grants = new PathGrants();
    grants.grant(['/scans'], 'drop');
    expect(grants.isGranted('//scans/a.pdf')).toBe(false);
    grants.grant(['/picked'], 'picker');
    expect(grants.isGranted('//picked/a.pdf')).toBe(true);
  });

  it('one refused path is said in the singular', () => {
    expect(new PathGrants().problem(['/etc/passwd'])).toBe(
      'One of these files was not chosen by you here: Intake reads only documents you drop on its window, pick with "Add documents" or open with Intake.',
    );
  });
});

describe('restorableBounds edges', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 875 };
  const external = { x: 1440, y: 0, width: 2560, height: 1415 };

  it('a window larger than one display keeps its size on the larger one', () => {
    expect(restorableBounds({ x: 1500, y: 10, width: 2000, height: 1200 }, [laptop, external])).toEqual({ x: 1500, y: 10, width: 2000, height: 1200 });
  });

  it('120 px of title bar on a display are enough; less height than the title bar is not', () => {
    expect(restorableBounds({ x: 1320, y: 10, width: 800, height: 600 }, [laptop])).toEqual({ x: 1320, y: 10, width: 800, height: 600 });
    expect(restorableBounds({ x: 100, y: 855, width: 800, height: 600 }, [laptop])).toBeNull();
  });

  it('a saved size of zero is garbage', () => {
    expect(restorableBounds({ x: 0, y: 0, width: 0, height: 600 }, [laptop])).toBeNull();
    expect(restorableBounds({ x: 0, y: 0, width: 800, height: 0 }, [laptop])).toBeNull();
  });
});

describe('confirmation dialogs, word for word', () => {
  const settings = (patch: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, ...patch });

  it('another server over https: no plain-HTTP warning', () => {
    expect(serverChangeConfirmation(settings({}), settings({ serverUrl: 'https://ai.example.org/api' }))).toEqual({
      title: 'Send documents to another server?',
      message: 'Send documents to https://ai.example.org?',
      detail: 'Uploads that are running start over there. The saved token belongs to the previous server and is not sent; enter the token for this server.',
      confirmLabel: 'Use this server',
    });
  });

  it('another server over plain http: warned first', () => {
    expect(serverChangeConfirmation(settings({}), settings({ serverUrl: 'http://10.1.2.3:8080/api', allowInsecureHttp: true }))?.detail).toBe(
      'This server is reached over plain HTTP: documents and the token cross the network unencrypted. Uploads that are running start over there. The saved token belongs to the previous server and is not sent; enter the token for this server.',
    );
  });

  it('allowing plain http for the server in use', () => {
    const current = settings({ serverUrl: 'http://10.1.2.3:8080/api' });
    expect(serverChangeConfirmation(current, { ...current, allowInsecureHttp: true })).toEqual({
      title: 'Allow unencrypted HTTP?',
      message: 'Send documents to http://10.1.2.3:8080 without encryption?',
      detail: 'Anyone on the network between this computer and the server can read the documents and the token.',
      confirmLabel: 'Allow plain HTTP',
    });
  });

  it('an unreadable server URL asks nothing and does not throw', () => {
    expect(serverChangeConfirmation(settings({}), settings({ serverUrl: 'not a url' }))).toBeNull();
  });
});

describe('settings the schema refuses', () => {
  it('names the setting and the rule', () => {
    expect(applySettingsPatch(DEFAULT_SETTINGS, { uploadConcurrency: 9 })).toEqual({
      ok: false,
      message: 'Setting uploadConcurrency is invalid: Too big: expected number to be <=8.',
    });
    expect(applySettingsPatch(DEFAULT_SETTINGS, { hotFolder: { path: `/${'x'.repeat(5000)}`, enabled: false } })).toEqual({
      ok: false,
      message: 'Setting hotFolder.path is invalid: Too big: expected string to have <=4096 characters.',
    });
  });

  it('a valid chart-number pattern is taken', () => {
    expect(applySettingsPatch(DEFAULT_SETTINGS, { chartNumberPattern: '^(\\d+)_' })).toMatchObject({ ok: true, changed: ['chartNumberPattern'] });
  });

  it('a stored file that is not an object gives the defaults; valid stored fields are kept', () => {
    expect(settingsFromStored('garbage', DEFAULT_SETTINGS)).toBe(DEFAULT_SETTINGS);
    expect(settingsFromStored(null, DEFAULT_SETTINGS)).toBe(DEFAULT_SETTINGS);
    expect(settingsFromStored({ chartNumberPattern: '^(\\d+)_', serverUrl: null }, DEFAULT_SETTINGS)).toMatchObject({ chartNumberPattern: '^(\\d+)_' });
  });
});

describe('launch arguments', () => {
  it('takes existing files and folders named on the command line, not options or what is ignored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-launch-'));
    try {
      writeFileSync(join(dir, 'scan.pdf'), '%PDF-');
      writeFileSync(join(dir, 'a-b.pdf'), '%PDF-');
      // A switch is never a document, even where a file of that name exists.
      writeFileSync(join(dir, '--flag'), '%PDF-');
      mkdirSync(join(dir, 'folder'));
      const argv = ['/opt/intake/intake', 'scan.pdf', 'folder', 'missing.pdf', '--flag', 'a-b.pdf', '.'];
      expect(pathsFromArgv(argv, { workingDirectory: dir, ignore: ['.'] })).toEqual([join(dir, 'scan.pdf'), join(dir, 'folder'), join(dir, 'a-b.pdf')]);
      expect(pathsFromArgv(['/opt/intake/intake', '.'], { workingDirectory: dir })).toEqual([dir]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('senders and payloads', () => {
  it('a dev-server setting that is not a URL trusts nothing', () => {
    expect(isTrustedUiUrl('http://localhost:5173/', { devServerUrl: 'not a url' })).toBe(false);
  });

  it('an object whose class cannot be named is refused as unknown', () => {
    expect(plainDataProblem(Object.create(Object.create(null)))).toBe('an object of type unknown');
  });
});
