/**
 * Walks the window through every main state a user meets — empty, drop
 * overlay, add dialog (valid, invalid), a queue with a job in each state,
 * results (both tabs), settings, paused, offline — and runs `visit` in each.
 * The accessibility suites audit, screenshot or tab through them.
 */
import type { Page } from 'playwright-core';
import type { AppHarness } from './appHarness';
import { dropFiles } from './pageActions';
import { jobsInEveryState, type ScriptedBackend } from './scriptedBackend';

export const OFFLINE = { state: 'polling', reason: 'connect ECONNREFUSED', nextTryAt: 0, attempt: 3 } as const;

export async function walkStates(app: AppHarness, backend: ScriptedBackend, visit: (state: string, page: Page) => Promise<void>): Promise<void> {
  const { page } = app;
  backend.jobs.clear();
  backend.paused = false;
  backend.connection = { state: 'connected', reason: 'socket open' };
  await app.reload();
  await page.getByText('Drop chart documents here').waitFor();
  await visit('empty', page);

  await app.bridge.setDropPaths({ 'scan-1.pdf': '/docs/scan-1.pdf' });
  await dropFiles(page, ['scan-1.pdf'], { onOverlay: () => visit('drop overlay', page) });
  const dialog = page.getByTestId('add-dialog');
  await dialog.getByText('Send 1 file').waitFor();
  await page.locator('#chart-number').fill('A-1001');
  await visit('add dialog (valid)', page);
  await page.locator('#chart-number').fill('bad chart!');
  await dialog.locator('.field-error').waitFor();
  await visit('add dialog (invalid)', page);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  for (const job of jobsInEveryState()) await backend.upsert(job);
  await page.locator('.row').nth(4).waitFor();
  await visit('queue', page);

  await page.getByRole('button', { name: 'Results (chart DONE-1)' }).click();
  const results = page.getByTestId('results-dialog');
  await results.getByRole('table', { name: 'Documents' }).waitFor();
  await visit('results (tables)', page);
  await results.getByRole('tab', { name: 'Raw JSON' }).click();
  await results.locator('pre.raw').waitFor();
  await visit('results (raw JSON)', page);
  await page.keyboard.press('Escape');
  await results.waitFor({ state: 'detached' });

  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('settings-dialog').waitFor();
  await visit('settings', page);
  await page.keyboard.press('Escape');
  await page.getByTestId('settings-dialog').waitFor({ state: 'detached' });

  await backend.setPaused(true);
  await page.locator('.banner-warning').waitFor();
  await visit('paused', page);
  await backend.setPaused(false);

  await backend.setConnection({ ...OFFLINE, nextTryAt: Date.now() + 60_000 });
  await page.locator('[data-testid=connection][data-state=polling]').waitFor();
  await visit('offline', page);
}
