/**
 * A Socket.IO backend (seed 004's socketio-events) in the window, on the real
 * core and the real reference server speaking that dialect: a drop goes to
 * completed with a percentage bar and the backend's status word instead of
 * the stepper, a job the quality check holds ends with its own pill and
 * filter count, and a batch of two charts shows the server's `batch:update`
 * progress on both of its jobs.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SOCKETIO_EVENTS } from '../../src/shared/dialect';
import type { ReferenceServer } from '../../src/server/index';
import { makeTempDir, type TempDir } from '../support/files';
import { startServer } from '../support/referenceServer';
import { startSession, type IntakeSession } from './support/intakeSession';
import { dropFiles, recordRow, rowLog, rowOf, waitForPill } from './support/pageActions';

let files: TempDir;
let server: ReferenceServer;
let session: IntakeSession;
/** The quality check's dice: the first job passes, the second is held. */
const dice = [0.9, 0.1];

beforeAll(async () => {
  server = await startServer({ phaseMs: 400, dialect: 'socketio-events', blockedRate: 0.5, random: () => dice.shift() ?? 0.9 });
  files = await makeTempDir('intake-e2e-socketio-');
  session = await startSession({ serverUrl: server.url, dialect: SOCKETIO_EVENTS });
});
afterAll(async () => {
  await session?.close();
  await files?.remove();
});

async function send(chart: string, file: string): Promise<void> {
  const { page } = session.app;
  await session.app.bridge.setDropPaths({ [file]: await files.pdf(file, { pages: 1 }) });
  await dropFiles(page, [file]);
  await page.locator('#chart-number').fill(chart);
  await page.getByRole('button', { name: `Send 1 file to ${chart}` }).click();
  await page.getByTestId('add-dialog').waitFor({ state: 'detached' });
}

it('a Socket.IO job goes from drop to completed with a percentage bar, then a held one shows Blocked', async () => {
  const { page } = session.app;
  await page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 30_000 });
  await recordRow(page, 'SIO-1');
  await send('SIO-1', 'scan.pdf');
  await waitForPill(page, 'SIO-1', 'Completed', 60_000);

  const log = await rowLog(page);
  const percentages = log.uploads.filter((text) => / % · /.test(text));
  expect(percentages.length).toBeGreaterThan(2);
  expect(percentages.some((text) => /^\d+ % · PROCESSING$/.test(text))).toBe(true);
  expect(percentages.at(-1)).toBe('100 % · DELIVERED');
  const values = percentages.map((text) => Number(text.split(' ')[0]));
  expect(values).toEqual([...values].sort((a, b) => a - b));
  expect(log.phases).toEqual([]); // no stepper for this backend
  expect(await rowOf(page, 'SIO-1').locator('progress.bar').getAttribute('aria-label')).toBe('Processing of chart SIO-1');
  await session.app.screenshot('20-socketio-completed');

  await send('SIO-2', 'held.pdf');
  await waitForPill(page, 'SIO-2', 'Blocked', 60_000);
  await expect(rowOf(page, 'SIO-2').locator('.row-status').textContent()).resolves.toMatch(/quality check/);
  await expect(page.getByRole('tab', { name: 'Blocked 1' }).isVisible()).resolves.toBe(true);
  expect(server.jobs().map((job) => job.status)).toEqual(['completed', 'blocked']);
  await session.app.screenshot('21-socketio-blocked');
  expect(session.app.errors).toEqual([]);
});

it('a batch of two charts shows the server’s batch progress on both of its jobs', async () => {
  const { page } = session.app;
  await page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 30_000 });
  dice.length = 0; // every job of the batch passes the quality check, also when this test runs alone
  type Seen = { __batchLines: string[] };
  // Every text a server-fed batch line shows, checked on every frame (each update lasts one phase).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as Seen).__batchLines = seen;
    const look = () => {
      for (const line of document.querySelectorAll('[data-testid=row-batch][data-source=server]')) {
        if (seen.at(-1) !== line.textContent) seen.push(line.textContent ?? '');
      }
      requestAnimationFrame(look);
    };
    look();
  });
  // The window's add dialog files one chart per drop: a batch comes from a jobs file or the hot folder, i.e. the core's enqueueMany.
  const results = await session.core.queue.enqueueMany([
    { chartNumber: 'BAT-1', files: [await files.pdf('batch-1.pdf', { pages: 1 })] },
    { chartNumber: 'BAT-2', files: [await files.pdf('batch-2.pdf', { pages: 1 })] },
  ]);
  expect(results.every((result) => result.ok)).toBe(true);
  await waitForPill(page, 'BAT-1', 'Completed', 60_000);
  await waitForPill(page, 'BAT-2', 'Completed', 60_000);
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid=row-batch][data-source=server]')].filter((line) => line.textContent === 'Batch: 2 of 2 done · 100 %').length === 2,
    undefined,
    { timeout: 30_000 },
  );
  const seen = await page.evaluate(() => (window as unknown as Seen).__batchLines);
  // The server's mean progress while the batch ran, not only the end every count agrees on.
  expect(seen.some((text) => /^Batch: [01] of 2 done · \d+ %$/.test(text))).toBe(true);
  expect(new Set(server.jobs().slice(-2).map((job) => job.batchId)).size).toBe(1);
  await session.app.screenshot('22-socketio-batch');
  expect(session.app.errors).toEqual([]);
});
