/**
 * Figure 7 — open fast with a long history: the app's window (the built
 * renderer in headless Chromium, the real core behind the test bridge) with
 * 10,000 finished jobs in the queue's history, read from the journal at
 * start. Measured on each reload of the page: the time from navigation start
 * to the first frame after the first job rows are in the DOM (first rows
 * painted), then the time until the list holds every job (the page paints the
 * newest jobs first and takes the rest of the history right after), and the
 * page's JS heap after a garbage collection once it does. Median of a few
 * reloads; the first load warms the renderer's files.
 */
import type { Page } from 'playwright-core';
import { createStateDirQueueStore } from '../../src/core/persistence/fileQueueStore';
import type { BenchContext, Figure, FigureEntry } from '../figure';
import { contextRow } from '../figure';
import { median, round } from '../stats';
import { loadE2eHarness } from '../support/e2eHarness';
import { historyJob } from '../support/historyJobs';
import { startServerProcess } from '../support/serverProcess';

const HISTORY = 10_000;
const TARGET_FIRST_ROWS_MS = 300;
const TARGET_HEAP_MIB = 64;

/** Runs before the page's own scripts: notes when rows first exist, then the frame after (they are painted). */
const OPEN_PROBE = `
globalThis.__openProbe = { rowsAt: null, paintedAt: null };
new MutationObserver((_, observer) => {
  if (globalThis.__openProbe.rowsAt !== null || !document.querySelector('[data-job-id]')) return;
  globalThis.__openProbe.rowsAt = performance.now();
  observer.disconnect();
  requestAnimationFrame(() => setTimeout(() => (globalThis.__openProbe.paintedAt = performance.now()), 0));
}).observe(document, { subtree: true, childList: true });
`;

async function openOnce(page: Page) {
  // Not until 'load': the figure is the page's own first rows, whatever comes after.
  await page.reload({ waitUntil: 'commit', timeout: 120_000 });
  await page.waitForFunction(() => (globalThis as unknown as { __openProbe?: { paintedAt: number | null } }).__openProbe?.paintedAt != null, undefined, { timeout: 120_000 });
  const probe = await page.evaluate(() => (globalThis as unknown as { __openProbe: { rowsAt: number; paintedAt: number } }).__openProbe);
  // Every job in the list: its virtual height is that of HISTORY rows (polled each frame, so up to a frame late).
  const allJobsMs = (await (
    await page.waitForFunction(
      (count) => {
        // The page's document, typed by hand: the bench is compiled without the DOM library.
        const { document } = globalThis as unknown as { document: { querySelector(selector: string): { offsetHeight: number } | null } };
        const slot = document.querySelector('.list-slot');
        const inner = document.querySelector('.list-inner');
        return slot !== null && inner !== null && inner.offsetHeight >= count * slot.offsetHeight && performance.now();
      },
      HISTORY,
      { timeout: 120_000, polling: 'raf' },
    )
  ).jsonValue()) as number;
  // The page's own start (scripts parsed and run), before any job data: splits "the page" from "the history".
  const domReadyMs = await page.evaluate(() => {
    const timing = performance as unknown as { getEntriesByType(type: string): Array<{ domContentLoadedEventEnd?: number }> };
    return timing.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? Number.NaN;
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return { paintedMs: probe.paintedAt, rowsMs: probe.rowsAt, domReadyMs, allJobsMs, heapBytes: heap.usedSize };
}

async function run(context: BenchContext): Promise<FigureEntry[]> {
  const stateDir = await context.tempDir('open-state');
  await createStateDirQueueStore(stateDir).save({ version: 1, jobs: Array.from({ length: HISTORY }, (_, i) => historyJob(i)), paused: false });
  const server = await startServerProcess({ dataDir: await context.tempDir('open-server', { inMemory: true }), phaseMs: 1e9 });
  const { openApp, startCoreBackend } = await loadE2eHarness();
  const core = await startCoreBackend({ serverUrl: server.url, stateDir, historySize: HISTORY });
  context.log(`  core started with ${core.queue.snapshot().length} jobs; opening the window`);
  const app = await openApp(core.handler, { trust: core.trust });
  try {
    if (core.queue.snapshot().length !== HISTORY) throw new Error(`the core holds ${core.queue.snapshot().length} jobs, not ${HISTORY}`);
    await app.context.addInitScript(OPEN_PROBE);
    const runs = [];
    for (let i = 0; i < (context.quick ? 2 : 5); i += 1) {
      runs.push(await openOnce(app.page));
      context.log(`  load ${i + 1}: first rows painted at ${round(runs.at(-1)!.paintedMs)} ms`);
    }
    const measured = runs.slice(1);
    const painted = median(measured.map((r) => r.paintedMs));
    const heapMiB = median(measured.map((r) => r.heapBytes)) / 2 ** 20;
    context.log(`  ${HISTORY} jobs: first rows painted ${measured.map((r) => round(r.paintedMs)).join(', ')} ms after navigation start; heap ${measured.map((r) => round(r.heapBytes / 2 ** 20)).join(', ')} MiB`);
    if (app.errors.length > 0) throw new Error(`the page reported errors: ${app.errors.slice(0, 3).join(' | ')}`);
    return [
      {
        ...contextRow(`first rows painted after window load, ${HISTORY.toLocaleString('en-US')} jobs in history (median of ${measured.length})`, round(painted), 'ms'),
        target: `< ${TARGET_FIRST_ROWS_MS} ms`,
        met: painted < TARGET_FIRST_ROWS_MS,
      },
      contextRow('  of which: the page ready (DOMContentLoaded), before any job data', round(median(measured.map((r) => r.domReadyMs))), 'ms'),
      contextRow('  of which: rows in the DOM', round(median(measured.map((r) => r.rowsMs))), 'ms'),
      contextRow(`then every one of the ${HISTORY.toLocaleString('en-US')} jobs in the list (after navigation start)`, round(median(measured.map((r) => r.allJobsMs))), 'ms'),
      {
        ...contextRow(`page JS heap, ${HISTORY.toLocaleString('en-US')} jobs in history, all in the list (after GC)`, round(heapMiB, 1), 'MiB'),
        target: `< ${TARGET_HEAP_MIB} MiB`,
        met: heapMiB < TARGET_HEAP_MIB,
      },
    ];
  } finally {
    await app.close();
    await core.close();
    await server.stop();
  }
}

export const openFastFigure: Figure = {
  id: 'open',
  title: 'open fast: first rows painted and page heap with 10,000 jobs in history',
  run,
};
