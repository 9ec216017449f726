/**
 * Figure 2 — to pixels: the same status streams as figure 1, through the real
 * core (the IntakeEngine) and the renderer's test bridge into
 * the BUILT renderer in headless Chromium (the e2e harness: production CSP).
 * Queue changes reach the page the way main sends them: through main's own
 * PageFeed (one batch per 16 ms, each job as its changed fields); only the
 * transport differs (a DevTools evaluate instead of Electron IPC). We measure
 * server socket write → the message text appearing in the DOM, and the
 * page's frame times while the stream runs.
 *
 * In the same run, for the judged scenarios: the floor page (support/
 * floorPage.ts: no React, the same rows, plain DOM writes, fed the same way)
 * as the peer of the DOM latency, and the app fed whole jobs as before deltas
 * ("before"), for the bytes crossing to the page.
 *
 * The list is virtualized: only rows on (or near) screen are in the DOM, so
 * only updates of those jobs can be seen; with many jobs most updates are
 * (correctly) never drawn. Updates coalesced into one frame show only the
 * newest; the figure covers what reached the DOM (the count is reported).
 */
import type { Page } from 'playwright-core';
import { readStamp } from '../benchClock';
import { contextRow, ratioOf, type BenchContext, type Figure, type FigureEntry } from '../figure';
import { enqueueTrackedJobs, loadE2eHarness, type CoreBackend } from '../support/e2eHarness';
import { feedToPage, newProbe } from '../support/feedToPage';
import { openFloorPage } from '../support/floorPage';
import { round, summarize } from '../stats';
import { writeSmallPdfs } from '../support/documents';
import { calibrate, installProbe, readProbe, setRecording } from '../support/pageProbe';
import { startServerProcess, type ServerProcess } from '../support/serverProcess';
import { sleep } from '../support/waitFor';

const FRAME_MS = 16.7;
const STRESS_MS = 33;
/** The realistic case beside the stress case: 100 open jobs at 1,000 updates/s. */
const REALISTIC = { jobs: 100, rate: 1000 };
const LONG_FRAME_MS = 50;
const TARGET_JOBS = 1000;
const TARGET_RATE = 10_000;
/** After the stream: wait until the page has been quiet this long (it may be behind). */
const QUIET_MS = 1000;
const DRAIN_CAP_MS = 30_000;

interface Scenario {
  jobs: number;
  rate: number;
  /** The floor page instead of the app. */
  floor?: boolean;
  /** 'whole': every changed job sent whole, the path before deltas. */
  encoding?: 'delta' | 'whole';
}

/**
 * Server job ids with the rows the page has in its DOM first, so a stream to
 * "1 job" or "100 jobs" includes the ones that can be seen. (The queue's
 * order is not necessarily the list's: jobs enqueued in the same millisecond
 * may sort either way.)
 */
async function onScreenFirst(page: Page, core: CoreBackend, localIds: string[]): Promise<{ jobIds: string[]; rendered: string[] }> {
  const rendered = await page.evaluate(() => {
    type Row = { getAttribute(name: string): string | null };
    const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): Iterable<Row> } }).document;
    return [...doc.querySelectorAll('[data-job-id]')].map((row) => row.getAttribute('data-job-id') ?? '');
  });
  const visible = new Set(rendered);
  if (visible.size === 0) throw new Error('the page shows no job rows');
  const ordered = [...rendered.filter((id) => localIds.includes(id)), ...localIds.filter((id) => !visible.has(id))];
  return { jobIds: ordered.map((id) => core.queue.get(id)!.jobId!), rendered };
}

/** One stream into one page: the app (deltas or, as before, whole jobs) or the floor page. */
async function measure(page: Page, core: CoreBackend, server: ServerProcess, jobIds: string[], scenario: Scenario, durationMs: number) {
  // The app and the floor page are two tabs: the one in the background gets one animation frame a second.
  await page.bringToFront();
  const probe = newProbe();
  const stop = feedToPage(core.queue, page, probe, scenario.encoding ?? 'delta');
  const clock = await calibrate(page);
  probe.recording = true;
  await setRecording(page, true);
  const { emitted } = await server.command<{ emitted: number }>({ cmd: 'stream', jobIds: jobIds.slice(0, scenario.jobs), ratePerSecond: scenario.rate, durationMs });
  await drain(page);
  probe.recording = false;
  await setRecording(page, false);
  stop();
  const { appeared, frames } = await readProbe(page);
  const latencies: number[] = [];
  for (const [text, pageTime] of appeared) {
    const stamp = readStamp(text);
    if (stamp?.sentAt != null) latencies.push(pageTime + clock.offsetMs - stamp.sentAt);
  }
  const frameTimes = frames.slice(1).map((time, i) => time - frames[i]!);
  return {
    dom: summarize(latencies),
    queue: summarize(probe.toQueueChange),
    delivered: summarize(probe.toPageDelivered),
    frames: summarize(frameTimes),
    longFrames: frameTimes.filter((ms) => ms > LONG_FRAME_MS).length,
    emitted,
    clock,
    /** Per second of stream: the drain after it sends little. */
    megabytesPerSecond: probe.bytesSent / 2 ** 20 / (durationMs / 1000),
  };
}

/** Waits until no new message appeared for QUIET_MS: a page that fell behind is measured until it caught up. */
async function drain(page: Page): Promise<void> {
  const deadline = Date.now() + DRAIN_CAP_MS;
  let count = -1;
  let changedAt = Date.now();
  while (Date.now() < deadline) {
    const now = (await readProbe(page)).appeared.length;
    if (now !== count) {
      count = now;
      changedAt = Date.now();
    } else if (Date.now() - changedAt >= QUIET_MS) return;
    await sleep(100);
  }
}

type Result = Awaited<ReturnType<typeof measure>>;
const nameOf = (s: Scenario) => `${s.jobs} job${s.jobs === 1 ? '' : 's'} @ ${s.rate.toLocaleString('en-US')}/s`;
const variantOf = (s: Scenario) => (s.floor ? 'floor page' : s.encoding === 'whole' ? 'before (whole jobs)' : 'app');

function scenariosFor(quick: boolean, jobCount: number): Scenario[] {
  // Quick (CI) mode keeps the run short: 200 jobs in the list, one stream per variant, no target judged.
  const judged = quick ? [{ jobs: jobCount, rate: TARGET_RATE }] : [REALISTIC, { jobs: TARGET_JOBS, rate: TARGET_RATE }];
  const app = quick ? judged : [1, 100, 1000].flatMap((jobs) => [1000, 10_000].map((rate) => ({ jobs, rate })));
  return [...app, ...judged.map((s) => ({ ...s, floor: true })), ...judged.map((s) => ({ ...s, encoding: 'whole' as const }))];
}

function entriesFor(scenario: Scenario, result: Result, floor: Result | undefined, before: Result | undefined, quick: boolean): FigureEntry[] {
  const name = nameOf(scenario);
  const isStress = !quick && scenario.jobs === TARGET_JOBS && scenario.rate === TARGET_RATE;
  const isRealistic = !quick && scenario.jobs === REALISTIC.jobs && scenario.rate === REALISTIC.rate;
  const p99 = round(result.dom.p99);
  const floorP99 = floor ? round(floor.dom.p99) : null;
  const ratio = ratioOf(p99, floorP99);
  const p99Row: FigureEntry = { ...contextRow(`to DOM p99, ${name}`, p99, 'ms', floor ? 'floor page (no React, plain DOM)' : null, floorP99) };
  if (isStress) Object.assign(p99Row, { target: `≤ ${STRESS_MS} ms and ≤ 2× floor`, met: result.dom.p99 <= STRESS_MS && ratio !== null && ratio <= 2 });
  if (isRealistic) Object.assign(p99Row, { target: `≤ ${FRAME_MS} ms (one frame)`, met: result.dom.p99 <= FRAME_MS });
  const mib = (r: Result) => round(r.megabytesPerSecond, 2);
  return [
    contextRow(`to DOM p50, ${name}`, round(result.dom.p50), 'ms', floor ? 'floor page' : null, floor ? round(floor.dom.p50) : null),
    p99Row,
    contextRow(`to DOM max, ${name}`, round(result.dom.max), 'ms'),
    contextRow(`  updates that reached the DOM, ${name}`, result.dom.count, 'updates', floor ? 'floor page' : null, floor ? floor.dom.count : null),
    ...(before ? [contextRow(`  to DOM p99 before (whole jobs to the page), ${name}`, round(before.dom.p99), 'ms')] : []),
    contextRow(`  of which core: write → queue change p99, ${name}`, round(result.queue.p99), 'ms'),
    contextRow(`  of which core+batch: write → handed to page p99, ${name}`, round(result.delivered.p99), 'ms', before ? 'before (whole jobs)' : null, before ? round(before.delivered.p99) : null),
    contextRow(`  crossing to the page, ${name}`, mib(result), 'MiB/s', before ? 'before (whole jobs)' : null, before ? mib(before) : null),
    contextRow(`frame time p99, ${name}`, round(result.frames.p99), 'ms', floor ? 'floor page' : null, floor ? round(floor.frames.p99) : null),
    {
      ...contextRow(`longest frame, ${name}`, round(result.frames.max), 'ms', floor ? 'floor page' : null, floor ? round(floor.frames.max) : null),
      ...(!quick && { target: `≤ ${LONG_FRAME_MS} ms`, met: result.frames.max <= LONG_FRAME_MS }),
    },
    contextRow(`  page clock calibration, ${name}`, round(result.clock.uncertaintyMs), '± ms'),
  ];
}

async function run(context: BenchContext): Promise<FigureEntry[]> {
  const jobCount = context.quick ? 200 : TARGET_JOBS;
  const scenarios = scenariosFor(context.quick, jobCount);
  const durationMs = context.quick ? 1500 : 5000;
  const dir = await context.tempDir('pixels');
  const file = (await writeSmallPdfs(dir, 1, 2000))[0]!;
  const { openApp, startCoreBackend } = await loadE2eHarness();
  const server = await startServerProcess({ dataDir: await context.tempDir('pixels-server', { inMemory: true }), phaseMs: 1e9, limits: { maxSubscriptionsPerConnection: 100_000 } });
  const core = await startCoreBackend({ serverUrl: server.url });
  const app = await openApp(core.handler, { trust: core.trust });
  const stopState = core.connection.onState((state) => void app.bridge.emit('connection', state).catch(() => undefined));
  // Until the streams start the app is fed like main feeds it, so its list fills as jobs are enqueued.
  let stopSetupFeed: (() => void) | null = feedToPage(core.queue, app.page, newProbe(), 'delta');
  const results = new Map<string, Result>();
  try {
    await app.page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 60_000 });
    const localIds = await enqueueTrackedJobs(core, file, jobCount);
    await app.page.waitForSelector('[data-job-id]');
    const { jobIds, rendered } = await onScreenFirst(app.page, core, localIds);
    stopSetupFeed();
    stopSetupFeed = null;
    const floorPage = await openFloorPage(app.context, rendered);
    await installProbe(app.page);
    await installProbe(floorPage);
    for (const scenario of scenarios) {
      const result = await measure(scenario.floor ? floorPage : app.page, core, server, jobIds, scenario, durationMs);
      results.set(`${nameOf(scenario)}|${variantOf(scenario)}`, result);
      context.log(
        `  ${nameOf(scenario)}, ${variantOf(scenario)}: DOM p50 ${round(result.dom.p50)} p99 ${round(result.dom.p99)} max ${round(result.dom.max)} ms (${result.dom.count} of ${result.emitted} updates reached the DOM); ` +
          `queue change p99 ${round(result.queue.p99)} ms, handed to page p99 ${round(result.delivered.p99)} ms, ${round(result.megabytesPerSecond, 2)} MiB/s to the page; frames p99 ${round(result.frames.p99)} max ${round(result.frames.max)} ms, ${result.longFrames} over ${LONG_FRAME_MS} ms; clock ±${round(result.clock.uncertaintyMs)} ms`,
      );
    }
    if (app.errors.length > 0) throw new Error(`the page reported errors: ${app.errors.slice(0, 3).join(' | ')}`);
  } finally {
    stopSetupFeed?.();
    stopState.dispose();
    await app.close();
    await core.close();
    await server.stop();
  }
  return scenarios
    .filter((scenario) => variantOf(scenario) === 'app')
    .flatMap((scenario) => {
      const find = (variant: string) => results.get(`${nameOf(scenario)}|${variant}`);
      return entriesFor(scenario, find('app')!, find('floor page'), find('before (whole jobs)'), context.quick);
    });
}

export const toPixelsFigure: Figure = {
  id: 'pixels',
  title: 'status update → DOM in headless Chromium, and frame times',
  run,
};
