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
import { dropFiles, recordRow, rowLog, rowOf } from './support/pageActions';

let files: TempDir;
let session: IntakeSession;

beforeAll(async () => {
  const server = await startServer({
    phaseMs: 300,
    maxAttempts: 3,
    failPlan: ({ chartNumber }) => (chartNumber === 'RETRY-1' ? 1 : chartNumber === 'DOOMED-9' ? 3 : 0),
  });
  files = await makeTempDir('intake-e2e-retry-');
  session = await startSession({ serverUrl: server.url });
});
afterAll(async () => {
  await session?.close();
  await files?.remove();
});

async function addJob(chartNumber: string, fileName: string): Promise<void> {
  const { app } = session;
  await app.bridge.setDropPaths({ [fileName]: await files.pdf(fileName, { pages: 2 }) });
  await dropFiles(app.page, [fileName]);
  await app.page.getByTestId('add-dialog').getByText('Upload 1 file').waitFor();
  await app.page.locator('#chart-number').fill(chartNumber);
  await app.page.locator('#chart-number').press('Enter');
  await app.page.getByTestId('add-dialog').waitFor({ state: 'detached' });
}

it('shows a server retry with its attempt count, then the completion; a final failure with its reason', async () => {
  const { page } = session.app;
  await page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 30_000 });
  await recordRow(page, 'RETRY-1');
  await addJob('RETRY-1', 'retry.pdf');
  const retrying = rowOf(page, 'RETRY-1');
  await retrying.locator('.pill', { hasText: 'Retrying' }).waitFor({ timeout: 30_000 });
  await expect(retrying.locator('.row-status').textContent()).resolves.toMatch(/^Server is retrying, attempt 2 of 3/);
  await expect(retrying.locator('.step-failed').count()).resolves.toBe(1);
  await session.app.screenshot('07-server-retrying');
  await retrying.locator('.pill', { hasText: 'Completed' }).waitFor({ timeout: 30_000 });
  const pills = (await rowLog(page)).pills;
  // The tiny upload may be too quick to paint; from the first retry on, the order is fixed.
  expect(pills.slice(pills.indexOf('Retrying'))).toEqual(['Retrying', 'Processing', 'Completed']);

  await addJob('DOOMED-9', 'doomed.pdf');
  const doomed = rowOf(page, 'DOOMED-9');
  await doomed.locator('.pill', { hasText: 'Failed' }).waitFor({ timeout: 60_000 });
  await expect(doomed.locator('.row-status').textContent()).resolves.toMatch(/attempt 3 of 3/);
  await expect(doomed.getByRole('button', { name: /^Retry/ }).count()).resolves.toBe(1);
  await expect(page.locator('#filter-failed .count').textContent()).resolves.toBe('1');
  await expect(page.getByTestId('live-region').textContent()).resolves.toMatch(/^Chart DOOMED-9 failed: .+\.$/);
  await session.app.screenshot('08-failed-for-good');

  await page.locator('#filter-failed').click();
  await expect(page.locator('.row .chart').allTextContents()).resolves.toEqual(['DOOMED-9']);
  await page.locator('#filter-completed').click();
  await expect(page.locator('.row .chart').allTextContents()).resolves.toEqual(['RETRY-1']);
  expect(session.app.errors).toEqual([]);
});
