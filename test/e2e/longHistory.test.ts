/**
 * A long history through the real core and main's handlers: the window shows
 * the newest jobs with the whole queue counted before the rest of the history
 * has crossed, stays live meanwhile, and ends with every job reachable.
 * The test holds main's answer with every job until it has looked at the
 * first screen, so the in-between state is seen for certain.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { historyJob } from '../../bench/support/historyJobs';
import { createStateDirQueueStore } from '../../src/core/persistence/fileQueueStore';
import { makeTempDir, type TempDir } from '../support/files';
import { startServer } from '../support/referenceServer';
import { openApp, type AppHarness } from './support/appHarness';
import { startCoreBackend, type CoreBackend } from './support/coreBackend';
import { focused } from './support/keyboard';

const HISTORY = 2_000;
let state: TempDir;
let core: CoreBackend;
let app: AppHarness;
let releaseRest!: () => void;
let restAskedFor!: () => void;
const restAsked = new Promise<void>((done) => (restAskedFor = done));
const restHeld = new Promise<void>((done) => (releaseRest = done));

beforeAll(async () => {
  const server = await startServer({ phaseMs: 1e9 });
  state = await makeTempDir('intake-e2e-history-');
  await createStateDirQueueStore(state.path).save({ version: 1, jobs: Array.from({ length: HISTORY }, (_, i) => historyJob(i)), paused: false });
  core = await startCoreBackend({ serverUrl: server.url, stateDir: state.path, historySize: HISTORY });
  app = await openApp(
    async (name, input, sender) => {
      if (name === 'getSnapshot' && input === undefined) {
        restAskedFor();
        await restHeld;
      }
      return core.handler(name, input, sender);
    },
    { trust: core.trust },
  );
  core.attach(app.bridge);
});

afterAll(async () => {
  releaseRest?.();
  await app?.close();
  await core?.close();
  await state?.remove();
});

const chartsShown = () => app.page.locator('.row .chart').allTextContents();
const count = (filter: string) => app.page.locator(`#filter-${filter} .count`).textContent();

it('shows the newest jobs with every job counted, stays live, then holds every job', async () => {
  const { page } = app;
  await page.locator('.row').first().waitFor();
  await restAsked; // the first screen is painted, the rest is asked for and held
  await expect(chartsShown()).resolves.toEqual(expect.arrayContaining([`HIST-${HISTORY - 1}`, `HIST-${HISTORY - 2}`]));
  expect((await chartsShown())[0]).toBe(`HIST-${HISTORY - 1}`);
  await expect(count('all')).resolves.toBe(String(HISTORY));
  await expect(count('completed')).resolves.toBe(String(HISTORY));

  // A change while the rest is on its way shows at once.
  core.queue.remove(historyJob(HISTORY - 1).id);
  await expect.poll(async () => (await chartsShown())[0]).toBe(`HIST-${HISTORY - 2}`);

  releaseRest();
  // Every job in the list: End reaches the oldest.
  await page.locator('.row').first().focus();
  await expect
    .poll(async () => {
      await page.keyboard.press('End');
      return focused(page);
    })
    .toBe(`row ${historyJob(0).id}`);
  await expect(count('all')).resolves.toBe(String(HISTORY - 1));
  await expect(count('completed')).resolves.toBe(String(HISTORY - 1));
  expect(app.bridge.calls.filter((call) => call === 'getSnapshot')).toHaveLength(2);
  expect(app.errors).toEqual([]);
});
