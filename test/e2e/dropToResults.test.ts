/**
 * The main path, end to end in real Chromium against the real core and the
 * real reference server: drop three files → the dialog → upload progress →
 * every phase lit in turn → completed → the results view.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer } from '../support/referenceServer';
import { makeTempDir, type TempDir } from '../support/files';
import { openApp, type AppHarness } from './support/appHarness';
import { startCoreBackend, type CoreBackend } from './support/coreBackend';
import { dropFiles, recordRow, rowLog, rowOf } from './support/pageActions';
import { startThrottledProxy, type ThrottledProxy } from './support/throttledProxy';

let files: TempDir;
let core: CoreBackend;
let app: AppHarness;
let proxy: ThrottledProxy;

beforeAll(async () => {
  // 24 MB at 8 MB/s: about three seconds of visible upload progress.
  proxy = await startThrottledProxy(8_000_000);
  const server = await startServer({ phaseMs: 500, allowedHosts: [proxy.host] });
  files = await makeTempDir('intake-e2e-files-');
  core = await startCoreBackend({ serverUrl: proxy.relayTo(server.url) });
  app = await openApp(core.handler, { trust: core.trust, onDropped: core.dropped });
  core.attach(app.bridge);
});

afterAll(async () => {
  await app?.close();
  await core?.close();
  await proxy?.close();
  await files?.remove();
});

it('drop three files, choose the chart, watch upload and every phase, then read the results', async () => {
  const { page } = app;
  await page.waitForSelector('text=Drop chart documents here');
  await page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 30_000 });
  await app.screenshot('01-empty-state');

  const paths = {
    'referral-letter.pdf': await files.pdf('referral-letter.pdf', { pages: 3, bytes: 22_000_000 }),
    'lab-results.pdf': await files.pdf('lab-results.pdf', { pages: 2, bytes: 1_500_000 }),
    'xray.pdf': await files.pdf('xray.pdf', { pages: 1, bytes: 600_000 }),
  };
  await app.bridge.setDropPaths(paths);
  await dropFiles(page, Object.keys(paths), { onOverlay: () => app.screenshot('02-drop-overlay').then(() => undefined) });

  const dialog = page.getByTestId('add-dialog');
  await dialog.getByText('Send 3 files').waitFor();
  for (const name of Object.keys(paths)) await expect(dialog.locator('.file-name', { hasText: name }).count()).resolves.toBe(1);
  await expect(dialog.locator('.file-total').textContent()).resolves.toMatch(/^3 files · 24 MB$/);
  await page.locator('#chart-number').fill('CH-2026.117');
  await app.screenshot('03-add-dialog');
  await recordRow(page, 'CH-2026.117');
  await page.locator('#chart-number').press('Enter');
  await dialog.waitFor({ state: 'detached' });

  const row = rowOf(page, 'CH-2026.117');
  // The first progress event has no speed yet; wait (frame by frame) for the full line.
  await page.waitForFunction(
    () => /^[\d.]+ (B|KB|MB) of 24 MB · [\d.]+ (KB|MB)\/s · [\d.]+ s left$/.test(document.querySelector('.upload-text')?.textContent ?? ''),
    null,
    { polling: 'raf', timeout: 30_000 },
  );
  await app.screenshot('04-uploading');

  await row.locator('.pill', { hasText: 'Completed' }).waitFor({ timeout: 60_000 });
  const log = await rowLog(page);
  expect(log.phases).toEqual(['Processing', 'OCR started', 'OCR done', 'AI analysis', 'AI done', 'Saving']);
  expect(log.pills).toEqual(expect.arrayContaining(['Uploading', 'Processing', 'Completed']));
  expect(log.uploads.length).toBeGreaterThan(2); // progress moved several times
  // Every finished phase shows the time it took, in seconds (phaseMs 500: about half a second, longer on a busy
  // machine, where a server timer fired 0.7 s late in a CI run); the last step has none. The durations' arithmetic is
  // for phaseSteps' unit tests (test/renderer/PhaseStepper.test.tsx).
  await expect(row.locator('.step-done .step-time').allTextContents()).resolves.toEqual(Array(6).fill(expect.stringMatching(/^\d+(\.\d)? s$/)).concat(['']));
  await app.screenshot('05-completed');

  await row.getByRole('button', { name: /^Results/ }).click();
  const results = page.getByTestId('results-dialog');
  await results.locator('table.data[aria-label=Documents] tbody tr').first().waitFor();
  const docs = await results.locator('table.data[aria-label=Documents] tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)),
  );
  const expected = Object.entries(paths).map(([name, path]) => {
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    return [name, expect.stringMatching(/MB|KB/), 'PDF', String({ 'referral-letter.pdf': 3, 'lab-results.pdf': 2, 'xray.pdf': 1 }[name]), `${sha.slice(0, 12)}…`];
  });
  expect(docs).toEqual(expect.arrayContaining(expected));
  expect(docs).toHaveLength(3);
  await expect(results.locator('table.data[aria-label="Phase timings"] tbody tr').count()).resolves.toBeGreaterThanOrEqual(6);
  await app.screenshot('06-results');
  await results.getByRole('tab', { name: 'Raw JSON' }).click();
  await expect(results.locator('pre.raw').textContent()).resolves.toContain('"sha256"');
  await page.keyboard.press('Escape');
  await results.waitFor({ state: 'detached' });

  await expect(page.getByTestId('live-region').textContent()).resolves.toBe('Chart CH-2026.117 completed.');
  expect(app.errors).toEqual([]);
});
