import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appAssetPath, contentTypeFor, PRODUCTION_CSP } from '../../../src/core/desktop/appAssetPath';
import { isTrustedUiUrl } from '../../../src/core/desktop/senderPolicy';

const root = resolve('/app/out/renderer');

describe('appAssetPath', () => {
  it('maps app://intake/ paths to files under the UI folder', () => {
    expect(appAssetPath('app://intake/', root)).toBe(join(root, 'index.html'));
    expect(appAssetPath('app://intake/index.html', root)).toBe(join(root, 'index.html'));
    expect(appAssetPath('app://intake/assets/index-abc.js?v=1#x', root)).toBe(join(root, 'assets/index-abc.js'));
  });

  it('refuses traversal, encoded separators, NUL, other hosts and junk', () => {
    // A literal ../ is already folded by URL parsing: it can never climb above the root.
    expect(appAssetPath('app://intake/../main/index.js', root)).toBe(join(root, 'main/index.js'));
    expect(appAssetPath('app://intake/%2e%2e/%2e%2e/etc/passwd', root)).toBe(join(root, 'etc/passwd'));
    for (const url of [
      'app://intake/assets/..%2f..%2f..%2fetc/passwd',
      'app://intake/..%5c..%5cwindows',
      'app://intake/a%00.js',
      'app://intake/%E0%A4%A',
      'app://other/index.html',
      'not a url',
    ]) {
      expect(appAssetPath(url, root), url).toBeNull();
    }
  });

  it('types the UI files and has a CSP with no network and no inline script', () => {
    expect(contentTypeFor('x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('x/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('x/a.bin')).toBe('application/octet-stream');
    expect(PRODUCTION_CSP).toContain("default-src 'none'");
    expect(PRODUCTION_CSP).toContain("script-src 'self'");
    expect(PRODUCTION_CSP).toContain("connect-src 'none'");
    expect(PRODUCTION_CSP).not.toContain('unsafe');
  });
});

describe('isTrustedUiUrl', () => {
  it('trusts our app origin, and the dev server only when configured', () => {
    expect(isTrustedUiUrl('app://intake/index.html', { devServerUrl: null })).toBe(true);
    expect(isTrustedUiUrl('http://localhost:5173/', { devServerUrl: null })).toBe(false);
    expect(isTrustedUiUrl('http://localhost:5173/x', { devServerUrl: 'http://localhost:5173' })).toBe(true);
    expect(isTrustedUiUrl('http://localhost:5174/', { devServerUrl: 'http://localhost:5173' })).toBe(false);
    for (const url of ['file:///app/out/renderer/index.html', 'https://evil.example/', 'app://intake.evil/', 'app://other/', '', 'about:blank']) {
      expect(isTrustedUiUrl(url, { devServerUrl: null }), url).toBe(false);
    }
  });
});
