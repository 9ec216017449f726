/**
 * The "Sent to CH-… — Undo" toast on the real core and reference server:
 * Undo before the server accepted the upload takes the job back (the server
 * holds no job); Undo after cancels it there (the server's job ends `cancelled`).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReferenceServer } from '../../src/server/index';
import { makeTempDir, type TempDir } from '../support/files';
import { startServer } from '../support/referenceServer';
import { startSession, type IntakeSession } from './support/intakeSession';
import { dropFiles, waitForPill } from './support/pageActions';

let files: TempDir;
let server: ReferenceServer;
let session: IntakeSession;

beforeAll(async () => {
  server = await startServer({ phaseMs: 60_000 }); // a job stays at the server until it is cancelled
  files = await makeTempDir('intake-e2e-undo-');
  session = await startSession({ serverUrl: server.url });
});
afterAll(async () => {
  await session?.close();
  await files?.remove();
});

async function send(chartNumber: string, fileName: string): Promise<void> {
  const { page } = session.app;
  await session.app.bridge.setDropPaths({ [fileName]: await files.pdf(fileName, { pages: 2 }) });
  await dropFiles(page, [fileName]);
  await page.locator('#chart-number').fill(chartNumber);
  await page.getByRole('button', { name: `Send 1 file to ${chartNumber}` }).click();
  await page.getByTestId('add-dialog').waitFor({ state: 'detached' });
  await page.getByTestId('undo-toast').getByText(`Sent to ${chartNumber}`).waitFor();
}

it('Undo before the server accepted removes the job: the server holds none', async () => {
  const { page } = session.app;
  await page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 30_000 });
  server.injectUploadFaults({ kind: 'stall' }); // the upload never completes: the server has no job yet
  await send('UNDO-1', 'first.pdf');
  await expect.poll(() => session.core.queue.snapshot()[0]?.stage, { timeout: 10_000 }).toBe('uploading');
  await session.app.screenshot('17-undo-toast');
  await page.getByRole('button', { name: 'Undo sending to UNDO-1' }).click();
  await page.getByTestId('undo-toast').getByText('Undone: nothing was sent to UNDO-1.').waitFor();
  expect(session.core.queue.snapshot()).toEqual([]);
  expect(server.jobs()).toEqual([]);
});

it('Undo after the server accepted cancels the job there: the server holds one job, cancelled', async () => {
  const { page } = session.app;
  await send('UNDO-2', 'second.pdf');
  await expect.poll(() => server.jobs().length, { timeout: 10_000 }).toBe(1);
  await expect.poll(() => session.core.queue.snapshot()[0]?.stage, { timeout: 10_000 }).toBe('tracking');
  await page.getByRole('button', { name: 'Undo sending to UNDO-2' }).click();
  await page.getByTestId('undo-toast').getByText('Undone: the server is asked to cancel the job for UNDO-2.').waitFor();
  await waitForPill(page, 'UNDO-2', 'Cancelled');
  expect(server.jobs()).toEqual([expect.objectContaining({ chartNumber: 'UNDO-2', status: 'cancelled' })]);
  expect(session.app.errors).toEqual([]);
});

it('a file sent before shows "Already sent on … to chart …" the second time, and can still be sent', async () => {
  const { page } = session.app;
  await dropFiles(page, ['second.pdf']); // the very file sent (then undone) under UNDO-2
  const dialog = page.getByTestId('add-dialog');
  await expect(dialog.locator('.file-warning').textContent({ timeout: 10_000 })).resolves.toMatch(/^Already sent on \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2} to chart UNDO-2$/);
  await dialog.locator('.seen-before-note').waitFor();
  await page.locator('#chart-number').fill('UNDO-3');
  await session.app.screenshot('18-already-sent-warning');
  await page.getByRole('button', { name: 'Send 1 file to UNDO-3' }).click();
  await dialog.waitFor({ state: 'detached' });
  await expect.poll(() => server.jobs().length, { timeout: 10_000 }).toBe(2);
});
