/**
 * 1,000 jobs in the queue, uploads and phase changes streaming in, and the
 * list scrolled continuously: the list stays virtualized (a few dozen rows in
 * the DOM, whatever the scroll position) and the page keeps drawing. Frame
 * times are recorded in the page with requestAnimationFrame and written to
 * test-results/scroll-1000-jobs.json; they are not asserted here — on a shared
 * 2-core machine running other suites they measure the neighbours. The timed
 * figure (frame times while 1,000 jobs update at 10,000/s, with its target)
 * is `npm run bench`'s "to pixels".
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../support/files';
import { startServer } from '../support/referenceServer';
import { RESULTS_DIR } from './support/appHarness';
import { startSession, type IntakeSession } from './support/intakeSession';

const JOBS = 1_000;
let files: TempDir;
let session: IntakeSession;

beforeAll(async () => {
  const server = await startServer({ phaseMs: 1_500 });
  files = await makeTempDir('intake-e2e-many-');
  session = await startSession({ serverUrl: server.url, concurrency: 4 });
});
afterAll(async () => {
  await session?.close();
  await files?.remove();
});

it('keeps scrolling smooth with 1,000 live jobs', async () => {
  const { page } = session.app;
  const { queue } = session.core;
  await page.waitForSelector('text=Drop chart documents here');
  const pdf = await files.pdf('page.pdf');
  queue.pauseAll(); // enqueue everything first, then let the uploads and phases stream in while we scroll
  for (let start = 0; start < JOBS; start += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, i) => queue.enqueue({ chartNumber: `MANY-${String(start + i).padStart(4, '0')}`, files: [pdf] })));
  }
  await expect.poll(() => page.locator('#filter-all .count').textContent(), { timeout: 30_000 }).toBe(String(JOBS));
  queue.resumeAll();
  // The oldest jobs upload first and sit at the bottom of the list; wait until the server is busy with some.
  await expect.poll(() => queue.snapshot().filter((job) => job.stage === 'tracking').length, { timeout: 60_000 }).toBeGreaterThan(20);

  const frames = await page.evaluate(async (durationMs) => {
    const list = document.querySelector<HTMLElement>('[data-testid=job-list]')!;
    const times: number[] = [];
    const maxRows: number[] = [];
    await new Promise<void>((done) => {
      let last = performance.now();
      const end = last + durationMs;
      const step = (now: number) => {
        times.push(now - last);
        last = now;
        maxRows.push(document.querySelectorAll('.row').length);
        // 100 px a frame (6,000 px/s, a fast flick): a new row every 1.4 frames; wraps to the top at the end.
        list.scrollTop = list.scrollTop + 100 >= list.scrollHeight - list.clientHeight ? 0 : list.scrollTop + 100;
        if (now < end) requestAnimationFrame(step);
        else done();
      };
      requestAnimationFrame(step);
    });
    return { times: times.slice(1), maxRows: Math.max(...maxRows), scrollHeight: list.scrollHeight };
  }, 5_000);

  const sorted = [...frames.times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const figures = {
    jobs: JOBS,
    frames: sorted.length,
    p50Ms: +at(0.5).toFixed(1),
    p95Ms: +at(0.95).toFixed(1),
    maxMs: +sorted[sorted.length - 1]!.toFixed(1),
    rowsInDom: frames.maxRows,
    stagesDuringRun: Object.fromEntries(['queued', 'uploading', 'tracking', 'completed'].map((stage) => [stage, queue.snapshot().filter((job) => job.stage === stage).length])),
  };
  writeFileSync(join(RESULTS_DIR, 'scroll-1000-jobs.json'), `${JSON.stringify(figures, null, 2)}\n`);
  await session.app.screenshot('13-thousand-jobs');

  expect(frames.scrollHeight).toBeGreaterThan(JOBS * 100); // all 1,000 rows are in the list…
  expect(frames.maxRows).toBeLessThan(40); // …but only the visible ones are in the DOM
  expect(figures.frames).toBeGreaterThan(40); // the page kept drawing at all
  expect(session.app.errors).toEqual([]);
});

it('reaches any of the 1,000 rows by keyboard (End, arrows, Home), scrolling the virtual list along', async () => {
  const { page } = session.app;
  /** Index in the list of the focused row, from its slot's offset; -1 when focus is not on a row. */
  const focusedIndex = () =>
    page.evaluate(() => {
      const row = document.activeElement;
      const slot = row?.parentElement;
      if (!row?.classList.contains('row') || !slot) return -1;
      return Math.round(new DOMMatrixReadOnly(getComputedStyle(slot).transform).m42 / slot.offsetHeight);
    });
  await page.locator('.list-scroll').evaluate((list) => (list.scrollTop = 0));
  await page.locator('.row').first().focus();
  expect(await focusedIndex()).toBe(0);
  await page.keyboard.press('End');
  await expect.poll(focusedIndex, { timeout: 10_000 }).toBe(JOBS - 1);
  await page.keyboard.press('ArrowUp');
  await expect.poll(focusedIndex, { timeout: 10_000 }).toBe(JOBS - 2);
  await page.keyboard.press('Home');
  await expect.poll(focusedIndex, { timeout: 10_000 }).toBe(0);
  await page.keyboard.press('ArrowDown');
  await expect.poll(focusedIndex, { timeout: 10_000 }).toBe(1);
  // Exactly one row is in the Tab order: the one the keyboard is on.
  await expect(page.locator('.row[tabindex="0"]').count()).resolves.toBe(1);
});
