/**
 * The app:// handler over a real folder: serves the built UI with the CSP
 * header and the right types, and refuses everything outside the folder,
 * including through a symlink.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTION_CSP } from '../../src/core/desktop/appAssetPath';
import { registerAppScheme, respond } from '../../src/main/window/appProtocol';

let dir: string;
let ui: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'intake-protocol-'));
  ui = join(dir, 'renderer');
  mkdirSync(join(ui, 'assets'), { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Intake</title>');
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside the UI folder');
  symlinkSync(join(dir, 'secret.txt'), join(ui, 'assets', 'link.txt'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('serves the UI with the CSP header, nosniff and its content type', async () => {
    const page = await respond('app://intake/index.html', ui);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(PRODUCTION_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Intake</title>');
    const script = await respond('app://intake/assets/app.js', ui);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await (await respond('app://intake/', ui)).text()).toContain('Intake');
  });

  it('refuses traversal, symlinks out of the folder, other hosts and missing files with 404', async () => {
    for (const url of [
      'app://intake/assets/..%2f..%2fsecret.txt',
      'app://intake/assets/link.txt',
      'app://other/index.html',
      'app://intake/missing.js',
      'app://intake/assets',
    ]) {
      const response = await respond(url, ui);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('outside the UI folder');
    }
  });

  it('registers app:// as a standard, secure scheme (a real origin for the CSP)', () => {
    const registered: unknown[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (schemes) => registered.push(...schemes) });
    expect(registered).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });
});
