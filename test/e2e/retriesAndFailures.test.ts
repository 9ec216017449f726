/**
 * A job the server fails once and retries, next to one it fails for good
 * (the server's failPlan): the user sees "retrying, attempt 2 of 3", then the
 * completion; the other ends as Failed with the server's reason, counted in
 * the Failed filter and announced once to screen readers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../support/files';
import { startServer } from '../support/referenceServer';
import { startSession, type IntakeSession } from './support/intakeSession';
import { dropFiles, recordRow, rowLog, rowOf, waitForPill } from './support/pageActions';

let files: TempDir;
let session: IntakeSession;

beforeAll(async () => {
  const server = await startServer({
    phaseMs: 500,
    maxAttempts: 3,
    failPlan: ({ chartNumber }) => (chartNumber === 'RETRY-1' ? 1 : chartNumber === 'DOOMED-9' ? 3 : 0),
  });
  files = await makeTempDir('intake-e2e-retry-');
  // This scenario runs with the OS in dark mode: the UI must follow it.
  session = await startSession({ serverUrl: server.url }, { colorScheme: 'dark' });
});
afterAll(async () => {
  await session?.close();
  await files?.remove();
});

async function addJob(chartNumber: string, fileName: string): Promise<void> {
  const { app } = session;
  await app.bridge.setDropPaths({ [fileName]: await files.pdf(fileName, { pages: 2 }) });
  await dropFiles(app.page, [fileName]);
  await app.page.getByTestId('add-dialog').getByText('Send 1 file').waitFor();
  await app.page.locator('#chart-number').fill(chartNumber);
  await app.page.locator('#chart-number').press('Enter');
  await app.page.getByTestId('add-dialog').waitFor({ state: 'detached' });
}

it('shows a server retry with its attempt count, then the completion; a final failure with its reason', async () => {
  const { page } = session.app;
  await page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 30_000 });
  await recordRow(page, 'RETRY-1');
  await addJob('RETRY-1', 'retry.pdf');
  await waitForPill(page, 'RETRY-1', 'Retrying');
  await session.app.screenshot('07-server-retrying');
  await waitForPill(page, 'RETRY-1', 'Completed');
  const log = await rowLog(page);
  // The tiny upload may be too quick to paint; from the first retry on, the order is fixed.
  expect(log.pills.slice(log.pills.indexOf('Retrying'))).toEqual(['Retrying', 'Processing', 'Completed']);
  expect(log.statuses).toContainEqual(expect.stringMatching(/^Server is retrying, attempt 2 of 3 — /));
  expect(log.phases).toContain('Processing');

  await addJob('DOOMED-9', 'doomed.pdf');
  const doomed = rowOf(page, 'DOOMED-9');
  await doomed.locator('.pill', { hasText: 'Failed' }).waitFor({ timeout: 60_000 });
  await expect(doomed.locator('.row-status').textContent()).resolves.toMatch(/attempt 3 of 3/);
  // The stepper marks the phase the last attempt failed in — the one the server names — not the furthest any attempt got to.
  const failedStep = await doomed.locator('.step-failed .step-label').textContent();
  await expect(doomed.locator('.row-status').textContent()).resolves.toContain(`during "${failedStep}"`);
  await expect(doomed.locator('.step-failed').count()).resolves.toBe(1);
  await expect(doomed.getByRole('button', { name: /^Retry/ }).count()).resolves.toBe(1);
  await expect(page.locator('#filter-failed .count').textContent()).resolves.toBe('1');
  await expect(page.getByTestId('live-region').textContent()).resolves.toMatch(/^Chart DOOMED-9 failed: .+\.$/);
  await session.app.screenshot('08-failed-for-good');

  await page.locator('#filter-failed').click();
  await expect(page.locator('.row .chart').allTextContents()).resolves.toEqual(['DOOMED-9']);
  await page.locator('#filter-completed').click();
  await expect(page.locator('.row .chart').allTextContents()).resolves.toEqual(['RETRY-1']);
  await expect(page.evaluate(() => getComputedStyle(document.body).backgroundColor)).resolves.toBe('rgb(18, 21, 27)'); // dark theme
  expect(session.app.errors).toEqual([]);
});

it('a reloaded window shows exactly what main holds', async () => {
  const { page } = session.app;
  const visible = () => page.locator('.row').evaluateAll((rows) => rows.map((row) => `${row.querySelector('.chart')?.textContent}|${row.querySelector('.pill')?.textContent}|${row.querySelector('.row-status')?.textContent}`));
  await page.locator('#filter-all').click();
  const before = await visible();
  expect(before).toHaveLength(2);
  await session.app.reload();
  await page.locator('.row').first().waitFor();
  await expect(visible()).resolves.toEqual(before);
  await expect(page.locator('[role=tab]').allTextContents()).resolves.toEqual(['All 2', 'Active 0', 'Completed 1', 'Failed 1', 'Blocked 0', 'Cancelled 0']);
  expect(session.app.errors).toEqual([]);
});

it('a notification click (focusJob) brings the job into view, even from another filter', async () => {
  const { page, bridge } = session.app;
  await page.locator('#filter-failed').click();
  const retried = session.core.queue.snapshot().find((job) => job.chartNumber === 'RETRY-1')!;
  await bridge.emit('focusJob', retried.id);
  await expect.poll(() => page.evaluate(() => document.activeElement?.querySelector('.chart')?.textContent), { timeout: 10_000 }).toBe('RETRY-1');
  await expect(page.locator('#filter-all').getAttribute('aria-selected')).resolves.toBe('true');
  await expect(page.locator('.row-highlighted .chart').textContent()).resolves.toBe('RETRY-1');
  await session.app.screenshot('14-focused-from-notification');
});
