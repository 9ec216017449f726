/**
 * The reference server PROCESS restarts in the middle of a job: the header
 * shows the connection going down (polling / reconnecting, with a countdown),
 * then connected again, and the job still completes — nothing is lost.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../support/files';
import { spawnServerProcess, type ServerProcess } from '../support/referenceServer';
import { startSession, type IntakeSession } from './support/intakeSession';
import { rowOf } from './support/pageActions';

let files: TempDir;
let server: ServerProcess;
let session: IntakeSession;

beforeAll(async () => {
  server = await spawnServerProcess({ args: ['--phase-ms', '700'] });
  files = await makeTempDir('intake-e2e-restart-');
  session = await startSession({ serverUrl: server.url, fastReconnect: true });
});
afterAll(async () => {
  await session?.close();
  await files?.remove();
});

it('shows the outage and the recovery in the header, and the job completes', async () => {
  const { page } = session.app;
  const indicator = page.getByTestId('connection');
  await page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 30_000 });
  await page.evaluate(() => {
    const states: string[] = [];
    (window as unknown as { __states: string[] }).__states = states;
    const target = document.querySelector('[data-testid=connection]')!;
    new MutationObserver(() => {
      const state = document.querySelector('[data-testid=connection]')?.getAttribute('data-state');
      if (state && states[states.length - 1] !== state) states.push(state);
    }).observe(target.parentElement!, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });

  // "Add documents" → the native picker (answered by the test) → the dialog.
  session.core.pickNext([await files.pdf('discharge-summary.pdf', { pages: 4 })]);
  await page.getByRole('button', { name: 'Add documents' }).click();
  // Enter submits only once the dialog has checked the files (the button is disabled until then).
  await page.getByTestId('add-dialog').getByText('Send 1 file').waitFor();
  await page.locator('#chart-number').fill('R-500');
  await page.keyboard.press('Enter');
  await page.getByTestId('add-dialog').waitFor({ state: 'detached' });
  const row = rowOf(page, 'R-500');
  // Restart while the server is early in the pipeline (each phase lasts 700 ms, so at
  // least three phases are still ahead). Any early phase counts: on a loaded machine a
  // single 700 ms phase can pass between two checks.
  await page.waitForFunction(
    () => ['Processing', 'OCR started', 'OCR done', 'AI analysis'].includes(document.querySelector('.row .step-current .step-label')?.textContent ?? ''),
    null,
    { polling: 'raf', timeout: 30_000 },
  );

  const restarting = server.restart();
  await page.waitForFunction(() => document.querySelector('[data-testid=connection]')?.getAttribute('data-state') !== 'connected', null, { polling: 'raf', timeout: 30_000 });
  await expect(indicator.textContent()).resolves.toMatch(/Offline( \([^)]*\))? — polling for updates|Reconnecting|Connecting/);
  await session.app.screenshot('11-server-restarting');
  await restarting;
  await page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 60_000 });
  await row.locator('.pill', { hasText: 'Completed' }).waitFor({ timeout: 60_000 });
  await session.app.screenshot('12-recovered-and-completed');

  const states = await page.evaluate(() => (window as unknown as { __states: string[] }).__states);
  expect(states[states.length - 1]).toBe('connected');
  expect(states.some((state) => state === 'polling' || state === 'reconnecting')).toBe(true);
  expect(session.core.queue.snapshot()).toMatchObject([{ chartNumber: 'R-500', stage: 'completed' }]);
  expect(session.app.errors).toEqual([]);
});
