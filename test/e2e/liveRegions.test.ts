/**
 * What a screen reader hears, logged from every live region of the page
 * (aria-live, role=status, role=alert) on each DOM change: one announcement
 * per job that ends (completed, failed for good), one when uploads are
 * paused, one on going offline and
 * one on coming back — none per phase, per server retry, or per second of
 * the reconnect countdown, which the pill on screen still shows.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { QueueJob } from '../../src/shared/queueJob';
import type { AppHarness } from './support/appHarness';
import { OFFLINE } from './support/appStates';
import { scriptedJob, serverState, openScriptedApp, ScriptedBackend } from './support/scriptedBackend';

let app: AppHarness;
const backend = new ScriptedBackend([
  scriptedJob('PROC-1', { stage: 'tracking', jobId: 'srv-1', server: serverState('processing') }),
  scriptedJob('RETRY-2', { stage: 'tracking', jobId: 'srv-2', createdAt: 1, server: serverState('ocr_started') }),
]);

beforeAll(async () => {
  app = await openScriptedApp(backend);
});
afterAll(async () => app?.close());

/** Starts logging, in the page, every new non-empty text of a live region, and every text of the connection pill. */
async function recordLiveRegions(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log = { spoken: [] as string[], pill: [] as string[] };
    (window as unknown as { __live: typeof log }).__live = log;
    const last = new Map<Element, string>();
    const look = () => {
      for (const region of document.querySelectorAll('[aria-live], [role=status], [role=alert]')) {
        const text = region.textContent?.trim() ?? '';
        if (text !== (last.get(region) ?? '') && text !== '') log.spoken.push(text);
        last.set(region, text);
      }
      const pill = document.querySelector('.connection-status')?.textContent ?? '';
      if (pill !== log.pill.at(-1)) log.pill.push(pill);
    };
    look();
    log.spoken.length = 0; // what is on the page before the recording is not news
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}
const live = (page: Page) => page.evaluate(() => (window as unknown as { __live: { spoken: string[]; pill: string[] } }).__live);

async function advance(job: QueueJob, phase: string, patch: Parameters<typeof serverState>[1] = {}): Promise<QueueJob> {
  const next: QueueJob = { ...job, server: { ...serverState(phase, patch), attemptPhase: patch.attemptPhase ?? job.server?.attemptPhase } };
  await backend.upsert(next);
  return next;
}

it('announces endings and the connection news once each, never a phase or a countdown tick', async () => {
  const { page } = app;
  await page.locator('.row').nth(1).waitFor();
  await recordLiveRegions(page);

  // Every phase of a job, then its completion: one sentence.
  let proc = backend.jobs.get('id-PROC-1')!;
  for (const phase of ['ocr_started', 'ocr_completed', 'ai_started', 'ai_completed', 'saving_results']) proc = await advance(proc, phase);
  await backend.upsert({ ...proc, stage: 'completed', server: serverState('completed', { message: 'Processing completed.' }) });
  await expect.poll(async () => (await live(page)).spoken).toEqual(['Chart PROC-1 completed.']);

  // A server retry is not an ending; the final failure is, once, with one full stop.
  let retry = backend.jobs.get('id-RETRY-2')!;
  retry = await advance(retry, 'failed', { willRetry: true, attemptPhase: 'ocr_started', message: 'Processing failed during "OCR started" (attempt 1 of 2); retrying.' });
  retry = await advance(retry, 'processing', { attempt: 2 });
  const reason = 'Processing failed during "Processing" (attempt 2 of 2); no retries left.';
  await backend.upsert({ ...retry, stage: 'failed', server: serverState('failed', { attempt: 2, attemptPhase: 'processing', message: reason }), error: { code: 'failed', message: reason } });
  await expect.poll(async () => (await live(page)).spoken).toHaveLength(2);

  // Pausing is said once (the banner sits in a live region that was there before it).
  await backend.setPaused(true);
  await expect.poll(async () => (await live(page)).spoken).toHaveLength(3);
  await backend.setPaused(false);

  // Offline for a while: the pill counts down every second; the news is said once.
  await backend.setConnection({ ...OFFLINE, state: 'reconnecting', nextTryAt: Date.now() + 5_000 });
  const ticks = async () => (await live(page)).pill.filter((text) => /^Reconnecting in \d s$/.test(text));
  await expect.poll(async () => (await ticks()).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
  await backend.setConnection({ ...OFFLINE, nextTryAt: Date.now() + 3_000 }); // polling over REST: still offline
  await backend.setConnection({ state: 'connecting', reason: 'retrying' });
  await backend.setConnection({ state: 'connected', reason: 'socket open' });
  await expect.poll(async () => (await live(page)).spoken).toHaveLength(5);

  const { spoken, pill } = await live(page);
  expect(pill.slice(-2)).toEqual(['Connecting…', 'Connected']);
  expect(spoken).toEqual([
    'Chart PROC-1 completed.',
    `Chart RETRY-2 failed: ${reason}`,
    'Uploads are paused. Jobs already on the server keep going.',
    'Connection to the server lost. Intake keeps trying and follows your jobs meanwhile.',
    'Connected to the server again.',
  ]);
  // The pill is read as what it says, not as its tooltip (the connection manager's reason, "socket open").
  const header = await page.locator('header').ariaSnapshot();
  expect(header).toContain('text: Connected');
  expect(header).not.toContain('socket open');
  expect(app.errors).toEqual([]);
});
