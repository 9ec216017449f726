/**
 * Without a mouse: add documents, send, filter, open results, retry, remove,
 * clear finished, open and close settings — asserting after every step where
 * focus is. Focus never falls to the page body: a dialog returns it to what
 * opened it, an action that removes the focused element hands it to a
 * neighbour. Screenshots of the focused states go to test-results/.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppHarness } from './support/appHarness';
import { focused, tabTo } from './support/keyboard';
import { jobsInEveryState, scriptedJob, serverState, openScriptedApp, ScriptedBackend } from './support/scriptedBackend';

let app: AppHarness;
const backend = new ScriptedBackend();

beforeAll(async () => {
  app = await openScriptedApp(backend);
});
afterAll(async () => app?.close());

const expectFocus = (target: string) => expect.poll(() => focused(app.page), { timeout: 5_000 }).toBe(target);

it('does everything from the keyboard, and focus is always somewhere sensible', async () => {
  const { page } = app;
  await page.getByText('Drop chart documents here').waitFor();

  // Add documents → the add dialog, on the chart number.
  await tabTo(page, 'button "Add documents"');
  await app.screenshot('focus-01-add-documents');
  await page.keyboard.press('Enter');
  await page.getByTestId('add-dialog').getByText('Send 2 files').waitFor();
  await expectFocus('input #chart-number');
  await page.keyboard.type('A-1001');
  await app.screenshot('focus-02-chart-number');

  // Send with Enter: the dialog closes and focus is back on the button that opened it.
  await page.keyboard.press('Enter');
  await page.getByTestId('add-dialog').waitFor({ state: 'detached' });
  await expectFocus('button "Add documents"');
  for (const job of jobsInEveryState()) await backend.upsert(job);
  await page.locator('.row').nth(5).waitFor();

  // Filter: Tab reaches the selected filter; arrows move the selection and the focus.
  await tabTo(page, 'tab "All 6" selected');
  await page.keyboard.press('ArrowRight');
  await expectFocus('tab "Active 4" selected');
  await app.screenshot('focus-03-selected-filter');
  await expect(page.locator('.row .chart').allTextContents()).resolves.toEqual(['A-1001', 'UP-5', 'PROC-4', 'RETRY-3']);
  await page.keyboard.press('ArrowLeft');
  await expectFocus('tab "All 6" selected');

  // Into the list (one tab stop), End to the oldest job, Tab to its Results button.
  await page.keyboard.press('Tab');
  await expectFocus('row id-A-1001');
  await page.keyboard.press('End');
  await expectFocus('row id-DONE-1');
  await app.screenshot('focus-04-row');
  await page.keyboard.press('Tab');
  await expectFocus('button "Results (chart DONE-1)"');
  await page.keyboard.press('Enter');
  const results = page.getByTestId('results-dialog');
  await results.getByRole('table', { name: 'Documents' }).waitFor();
  await expectFocus('button "Close"');
  await page.keyboard.press('Tab');
  await expectFocus('tab "Tables" selected');
  await page.keyboard.press('ArrowRight');
  await expectFocus('tab "Raw JSON" selected');
  await app.screenshot('focus-05-results-tab');
  await page.keyboard.press('Tab');
  await expectFocus('region "Raw JSON of the results"');
  await app.screenshot('focus-06-raw-json');
  await page.keyboard.press('Escape');
  await results.waitFor({ state: 'detached' });
  await expectFocus('button "Results (chart DONE-1)"');

  // Retry the failed job: its Retry button goes away, focus stays on its row.
  await page.keyboard.press('Shift+Tab');
  await expectFocus('row id-DONE-1');
  await page.keyboard.press('ArrowUp');
  await expectFocus('row id-FAIL-2');
  await page.keyboard.press('Tab');
  await expectFocus('button "Retry (chart FAIL-2)"');
  await page.keyboard.press('Enter');
  await page.locator('[data-job-id=id-FAIL-2] .pill', { hasText: 'Queued' }).waitFor();
  await expectFocus('row id-FAIL-2');

  // Remove the completed job: its row goes away, focus moves to the row that takes its place.
  await page.keyboard.press('ArrowDown');
  await expectFocus('row id-DONE-1');
  await tabTo(page, 'button "Remove (chart DONE-1)"');
  await page.keyboard.press('Enter');
  await page.locator('[data-job-id=id-DONE-1]').waitFor({ state: 'detached' });
  await expectFocus('row id-FAIL-2');

  // Clear finished: the button disables itself; focus moves on to the next header button.
  await backend.upsert(scriptedJob('DONE-7', { stage: 'completed', jobId: 'srv-7', server: serverState('completed') }));
  await tabTo(page, 'button "Clear finished"', { back: true });
  await page.keyboard.press('Enter');
  await page.locator('[data-job-id=id-DONE-7]').waitFor({ state: 'detached' });
  await expectFocus('button "Pause uploads"');

  // Settings: open on the first field, set a token (its button disables itself), close back to the opener.
  await page.keyboard.press('Tab');
  await expectFocus('button "Settings"');
  await page.keyboard.press('Enter');
  await page.getByTestId('settings-dialog').waitFor();
  await expectFocus('input #server-url');
  await app.screenshot('focus-07-settings-field');
  await tabTo(page, 'input #token');
  await page.keyboard.type('s3cret');
  await page.keyboard.press('Tab');
  await expectFocus('button "Set"');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('#token-note').textContent()).toBe('Token saved.');
  await expectFocus('input #token');
  await page.keyboard.press('Escape');
  await page.getByTestId('settings-dialog').waitFor({ state: 'detached' });
  await expectFocus('button "Settings"');

  // Remove the only job a filter shows: no row is left to take focus, the main action does.
  await backend.upsert(scriptedJob('FAIL-8', { stage: 'failed', jobId: 'srv-8', server: serverState('failed'), error: { code: 'failed', message: 'Unreadable scan.' } }));
  await page.keyboard.press('Tab');
  await expectFocus('button "Add documents"');
  await tabTo(page, 'tab "All 6" selected');
  await page.keyboard.press('End');
  await expectFocus('tab "Cancelled 0" selected');
  await page.keyboard.press('ArrowLeft');
  await expectFocus('tab "Blocked 0" selected');
  await page.keyboard.press('ArrowLeft');
  await expectFocus('tab "Failed 1" selected');
  await page.keyboard.press('Tab');
  await expectFocus('row id-FAIL-8');
  await tabTo(page, 'button "Remove (chart FAIL-8)"');
  await page.keyboard.press('Enter');
  await page.getByText('No jobs here').waitFor();
  await expectFocus('button "Add documents"');
  expect(backend.jobs.size).toBe(5);
  expect(app.errors).toEqual([]);
});
