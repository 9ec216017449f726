/**
 * Proves the e2e harness would catch a CSP problem: the built page carries the
 * policy (header and meta tag), and anything it forbids — an inline script, a
 * network request — lands in the error list every scenario asserts empty.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openApp, type AppHarness } from './support/appHarness';

let app: AppHarness;
beforeAll(async () => {
  app = await openApp(async (name) =>
    name === 'getSnapshot'
      ? { ok: true, value: { jobs: [], connection: { state: 'connected', reason: 'test' }, paused: false, demoServer: false } }
      : { ok: true, value: undefined },
  );
});
afterAll(async () => app?.close());

it('loads clean under the production CSP, and reports what the CSP blocks', async () => {
  await app.page.waitForSelector('text=Drop chart documents here');
  expect(app.errors).toEqual([]);
  await expect(app.page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content')).resolves.toContain("script-src 'self'");

  await app.page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.head.append(script);
    return fetch('http://127.0.0.1:9/').catch(() => undefined);
  });
  await expect
    .poll(() => app.errors, { timeout: 10_000 })
    .toEqual(expect.arrayContaining([expect.stringMatching(/inline script violates .*script-src 'self'/), expect.stringMatching(/Connecting to .* violates .*connect-src 'none'/)]));
  await expect(app.page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).resolves.toBeUndefined();
});
