/**
 * PROTOCOL.md §4 in the window, on the real core and the real reference
 * server: Cancel on a job the server is processing asks the server, which
 * ends the job `cancelled`; the row ends Cancelled ("Cancelled at the
 * server"), the stepper keeps what was done, and the Cancelled filter counts it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReferenceServer } from '../../src/server/index';
import { makeTempDir, type TempDir } from '../support/files';
import { startServer } from '../support/referenceServer';
import { wcagViolations } from './support/axe';
import { startSession, type IntakeSession } from './support/intakeSession';
import { dropFiles, recordRow, rowLog, rowOf, waitForPill } from './support/pageActions';

let files: TempDir;
let server: ReferenceServer;
let session: IntakeSession;

beforeAll(async () => {
  server = await startServer({ phaseMs: 1500 });
  files = await makeTempDir('intake-e2e-cancel-');
  session = await startSession({ serverUrl: server.url });
});
afterAll(async () => {
  await session?.close();
  await files?.remove();
});

it('cancel of a processing job ends cancelled at the server and in the window', async () => {
  const { page } = session.app;
  await page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 30_000 });
  await session.app.bridge.setDropPaths({ 'scan.pdf': await files.pdf('scan.pdf', { pages: 2 }) });
  await recordRow(page, 'CAN-1');
  await dropFiles(page, ['scan.pdf']);
  await page.locator('#chart-number').fill('CAN-1');
  await page.getByRole('button', { name: 'Send 1 file to CAN-1' }).click();
  await page.getByTestId('add-dialog').waitFor({ state: 'detached' });

  // Wait until the server works on it, then cancel from the row.
  await expect.poll(() => server.jobs()[0]?.status, { timeout: 30_000 }).toBe('processing');
  await rowOf(page, 'CAN-1').getByRole('button', { name: 'Cancel (chart CAN-1)' }).click();
  await waitForPill(page, 'CAN-1', 'Cancelled');

  expect(server.jobs()[0]).toMatchObject({ status: 'cancelled', phase: 'cancelled' });
  const row = rowOf(page, 'CAN-1');
  await expect(row.locator('.row-status').textContent()).resolves.toBe('Cancelled at the server');
  expect(await row.locator('.step-failed, .step-current').count()).toBe(0);
  await expect(page.getByRole('tab', { name: 'Cancelled 1' }).isVisible()).resolves.toBe(true);
  const log = await rowLog(page);
  expect(log.pills.at(-1)).toBe('Cancelled');
  expect(log.pills).not.toContain('Failed');
  expect(await wcagViolations(page)).toEqual([]); // the Cancelled pill and status, and the filter's count
  await session.app.screenshot('16-cancelled-at-server');
  // The final `cancelled` is final: nothing moves the row afterwards (the server would have gone on every 1.5 s).
  const core = session.core.queue.snapshot()[0]!;
  expect(core).toMatchObject({ stage: 'cancelled', cancelRequested: false, server: { status: 'cancelled' } });
  expect(session.app.errors).toEqual([]);
});

it('re-file of a queued job: the row and the server carry the new chart number only', async () => {
  const { page } = session.app;
  session.core.queue.pauseAll(); // keeps the job queued (not yet at the server)
  await session.app.bridge.setDropPaths({ 'refile.pdf': await files.pdf('refile.pdf', { pages: 1 }) });
  await dropFiles(page, ['refile.pdf']);
  await page.locator('#chart-number').fill('REF-1');
  await page.getByRole('button', { name: 'Send 1 file to REF-1' }).click();
  await rowOf(page, 'REF-1').getByRole('button', { name: 'Re-file… (chart REF-1)' }).click();
  const dialog = page.getByTestId('refile-dialog');
  await page.locator('#refile-chart').fill('REF-2');
  expect(await wcagViolations(page)).toEqual([]);
  await page.locator('#refile-chart').fill('REF 2'); // invalid: the error is announced and passes axe too
  await dialog.getByRole('alert').waitFor();
  expect(await wcagViolations(page)).toEqual([]);
  await session.app.screenshot('25-refile-dialog-invalid');
  await page.locator('#refile-chart').fill('REF-2');
  await dialog.getByRole('button', { name: 'Move to REF-2' }).click();
  await dialog.waitFor({ state: 'detached' });
  await rowOf(page, 'REF-2').waitFor();
  session.core.queue.resumeAll();
  await expect.poll(() => server.jobs().map((job) => job.chartNumber), { timeout: 30_000 }).toEqual(['CAN-1', 'REF-2']);
  expect(session.app.errors).toEqual([]);
});
