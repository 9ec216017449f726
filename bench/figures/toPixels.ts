/**
 * Figure 2 — to pixels: the same status streams as figure 1, through the real
 * core (the IntakeEngine) and the renderer's test bridge into
 * the BUILT renderer in headless Chromium (the e2e harness: production CSP).
 * Queue changes reach the page the way main sends them: through main's own
 * ChangeBatcher (one message per 16 ms, last upsert of a job wins); only the
 * transport differs (a DevTools evaluate instead of Electron IPC). We measure
 * server socket write → the message text appearing in the DOM, and the
 * page's frame times while the stream runs.
 *
 * The list is virtualized: only rows on (or near) screen are in the DOM, so
 * only updates of those jobs can be seen; with many jobs most updates are
 * (correctly) never drawn. Updates coalesced into one frame show only the
 * newest; the figure covers what reached the DOM (the count is reported).
 */
import type { Page } from 'playwright-core';
import { systemClock } from '../../src/core/clock';
import type { EngineConnection, EngineQueue } from '../../src/core/engine/ports';
import { ChangeBatcher } from '../../src/core/tray/changeBatcher';
import type { QueueChange } from '../../src/shared/queueJob';
import type { BridgeHandler, InstalledBridge } from '../../test/support/testBridge';
import { benchNow, readStamp, type Stamp } from '../benchClock';
import { contextRow, type BenchContext, type Figure, type FigureEntry } from '../figure';
import { round, summarize } from '../stats';
import { writeSmallPdfs } from '../support/documents';
import { calibrate, installProbe, readProbe, setRecording } from '../support/pageProbe';
import { startServerProcess, type ServerProcess } from '../support/serverProcess';
import { sleep, waitFor } from '../support/waitFor';

const FRAME_MS = 16.7;
const LONG_FRAME_MS = 50;
const TARGET_JOBS = 1000;
const TARGET_RATE = 10_000;
/** After the stream: wait until the page has been quiet this long (it may be behind). */
const QUIET_MS = 1000;
const DRAIN_CAP_MS = 30_000;

interface Scenario {
  jobs: number;
  rate: number;
}

/**
 * The renderer's e2e harness (helper E's): the built renderer served with the
 * production CSP, and the real core behind the test bridge. Reused, not
 * copied. It is imported by URL because test/e2e is type-checked apart from
 * the Node project the bench belongs to; these are the parts we use.
 */
interface AppHarness {
  page: Page;
  bridge: InstalledBridge;
  errors: string[];
  close(): Promise<void>;
}
interface CoreBackend {
  handler: BridgeHandler;
  queue: EngineQueue;
  connection: EngineConnection;
  trust(appUrl: string): void;
  close(): Promise<void>;
}
async function loadE2eHarness() {
  const url = (file: string) => new URL(`../../test/e2e/support/${file}`, import.meta.url).href;
  const { openApp } = (await import(url('appHarness.ts'))) as { openApp: (handler: BridgeHandler, options: { trust: (appUrl: string) => void }) => Promise<AppHarness> };
  const { startCoreBackend } = (await import(url('coreBackend.ts'))) as { startCoreBackend: (options: { serverUrl: string }) => Promise<CoreBackend> };
  return { openApp, startCoreBackend };
}

async function enqueueJobs(core: CoreBackend, file: string, count: number): Promise<string[]> {
  core.queue.setConcurrency(8);
  const batch = 100;
  for (let start = 0; start < count; start += batch) {
    const enqueues = [];
    for (let i = start; i < Math.min(count, start + batch); i += 1) enqueues.push(core.queue.enqueue({ chartNumber: `PIX-${i}`, files: [file] }));
    await Promise.all(enqueues);
  }
  const tracked = () => core.queue.snapshot().filter((job) => job.stage === 'tracking' && job.server?.seq != null);
  await waitFor(() => tracked().length === count, `${count} jobs uploaded and tracked`, 5 * 60_000, 50);
  return core.queue.snapshot().map((job) => job.id);
}

/**
 * Server job ids with the rows the page has in its DOM first, so a stream to
 * "1 job" or "100 jobs" includes the ones that can be seen. (The queue's
 * order is not necessarily the list's: jobs enqueued in the same millisecond
 * may sort either way.)
 */
async function onScreenFirst(page: Page, core: CoreBackend, localIds: string[]): Promise<string[]> {
  const rendered = await page.evaluate(() => {
    type Row = { getAttribute(name: string): string | null };
    const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): Iterable<Row> } }).document;
    return [...doc.querySelectorAll('[data-job-id]')].map((row) => row.getAttribute('data-job-id') ?? '');
  });
  const visible = new Set(rendered);
  if (visible.size === 0) throw new Error('the page shows no job rows');
  const ordered = [...rendered.filter((id) => localIds.includes(id)), ...localIds.filter((id) => !visible.has(id))];
  return ordered.map((id) => core.queue.get(id)!.jobId!);
}

async function measure(app: AppHarness, server: ServerProcess, probe: NodeSideProbe, jobIds: string[], scenario: Scenario, durationMs: number) {
  const clock = await calibrate(app.page);
  probe.toQueueChange = [];
  probe.toPageDelivered = [];
  probe.bytesSent = 0;
  probe.recording = true;
  await setRecording(app.page, true);
  const { emitted } = await server.command<{ emitted: number }>({ cmd: 'stream', jobIds: jobIds.slice(0, scenario.jobs), ratePerSecond: scenario.rate, durationMs });
  await drain(app.page);
  probe.recording = false;
  await setRecording(app.page, false);
  const { appeared, frames } = await readProbe(app.page);
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

/** Where the time goes on the Node side: socket write → queue change, and → batch handed to the page. */
interface NodeSideProbe {
  recording: boolean;
  toQueueChange: number[];
  toPageDelivered: number[];
  /** Bytes of change batches sent to the page while recording (what Electron IPC would carry). */
  bytesSent: number;
}

function stampsOf(changes: readonly QueueChange[]): Stamp[] {
  const stamps: Stamp[] = [];
  for (const change of changes) {
    const stamp = change.type === 'upsert' ? readStamp(change.job.server?.message) : null;
    if (stamp?.sentAt != null) stamps.push(stamp);
  }
  return stamps;
}

/**
 * Hands a batch to the page's bridge as ONE JSON string. Playwright validates
 * and serializes object arguments value by value in JavaScript, which at
 * 10,000 updates/s costs more CPU than all of Intake (seen in a CPU profile);
 * a string crosses as one value and the page parses it natively — close to
 * what Electron's structured-clone IPC costs. `__intakeEmit` is the page-side
 * dispatcher the test bridge installs.
 */
function emitJobsAsJson(page: Page, json: string): Promise<void> {
  return page.evaluate((batch) => {
    (globalThis as unknown as { __intakeEmit: (event: string, payload: unknown) => void }).__intakeEmit('jobs', JSON.parse(batch));
  }, json);
}

/**
 * Feeds the page like main does (src/main/shell): ChangeBatcher → one message
 * per frame. Like `webContents.send`, a batch is sent without waiting for the
 * previous one to be acknowledged (awaiting each DevTools round trip would add
 * a queue Electron does not have); order holds because every call travels the
 * same protocol connection to the same page, which runs them in order.
 */
function connectLikeMain(core: CoreBackend, app: AppHarness, probe: NodeSideProbe): () => void {
  const bridge = app.bridge;
  const send = (event: () => Promise<void>) => void event().catch(() => undefined);
  const deliver = (changes: QueueChange[]) =>
    send(async () => {
      const json = JSON.stringify(changes);
      if (probe.recording) probe.bytesSent += json.length;
      await emitJobsAsJson(app.page, json);
      if (!probe.recording) return;
      const now = benchNow();
      for (const stamp of stampsOf(changes)) probe.toPageDelivered.push(now - stamp.sentAt!);
    });
  const batcher = new ChangeBatcher({ clock: systemClock, deliver });
  const stopChanges = core.queue.onChange((changes) => {
    if (probe.recording) {
      const now = benchNow();
      for (const stamp of stampsOf(changes)) probe.toQueueChange.push(now - stamp.sentAt!);
    }
    batcher.push(changes);
  });
  const stopState = core.connection.onState((state) => send(() => bridge.emit('connection', state)));
  return () => {
    stopChanges.dispose();
    stopState.dispose();
    batcher.dispose();
  };
}

async function run(context: BenchContext): Promise<FigureEntry[]> {
  // Quick (CI) mode keeps the run short: 200 jobs in the list, one stream, no target judged.
  const jobCount = context.quick ? 200 : TARGET_JOBS;
  const scenarios: Scenario[] = context.quick
    ? [{ jobs: jobCount, rate: TARGET_RATE }]
    : [1, 100, 1000].flatMap((jobs) => [1000, 10_000].map((rate) => ({ jobs, rate })));
  const durationMs = context.quick ? 2000 : 5000;
  const dir = await context.tempDir('pixels');
  const file = (await writeSmallPdfs(dir, 1, 2000))[0]!;
  const { openApp, startCoreBackend } = await loadE2eHarness();
  const server = await startServerProcess({ dataDir: await context.tempDir('pixels-server', { inMemory: true }), phaseMs: 1e9, limits: { maxSubscriptionsPerConnection: 100_000 } });
  const core = await startCoreBackend({ serverUrl: server.url });
  const app = await openApp(core.handler, { trust: core.trust });
  const probe: NodeSideProbe = { recording: false, toQueueChange: [], toPageDelivered: [], bytesSent: 0 };
  const disconnect = connectLikeMain(core, app, probe);
  const entries: FigureEntry[] = [];
  try {
    await app.page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 60_000 });
    const localIds = await enqueueJobs(core, file, jobCount);
    await app.page.waitForSelector('[data-job-id]');
    const jobIds = await onScreenFirst(app.page, core, localIds);
    await installProbe(app.page);
    for (const scenario of scenarios) {
      const result = await measure(app, server, probe, jobIds, scenario, durationMs);
      const name = `${scenario.jobs} job${scenario.jobs === 1 ? '' : 's'} @ ${scenario.rate.toLocaleString('en-US')}/s`;
      const judged = scenario.jobs === TARGET_JOBS && scenario.rate === TARGET_RATE;
      context.log(
        `  ${name}: DOM p50 ${round(result.dom.p50)} p99 ${round(result.dom.p99)} max ${round(result.dom.max)} ms (${result.dom.count} of ${result.emitted} updates reached the DOM); ` +
          `queue change p99 ${round(result.queue.p99)} ms, handed to page p99 ${round(result.delivered.p99)} ms, ${round(result.megabytesPerSecond, 2)} MiB/s of batches; frames p99 ${round(result.frames.p99)} max ${round(result.frames.max)} ms, ${result.longFrames} over ${LONG_FRAME_MS} ms; clock ±${round(result.clock.uncertaintyMs)} ms`,
      );
      entries.push(
        contextRow(`to DOM p50, ${name}`, round(result.dom.p50), 'ms'),
        {
          ...contextRow(`to DOM p99, ${name}`, round(result.dom.p99), 'ms'),
          ...(judged && { target: `≤ ${FRAME_MS} ms (one frame)`, met: result.dom.p99 <= FRAME_MS }),
        },
        contextRow(`to DOM max, ${name}`, round(result.dom.max), 'ms'),
        contextRow(`  updates that reached the DOM, ${name}`, result.dom.count, 'updates'),
        contextRow(`  of which core: write → queue change p99, ${name}`, round(result.queue.p99), 'ms'),
        contextRow(`  of which core+batch: write → handed to page p99, ${name}`, round(result.delivered.p99), 'ms'),
        contextRow(`  change batches sent to the page, ${name}`, round(result.megabytesPerSecond, 2), 'MiB/s'),
        contextRow(`frame time p99, ${name}`, round(result.frames.p99), 'ms'),
        {
          ...contextRow(`longest frame, ${name}`, round(result.frames.max), 'ms'),
          ...(judged && { target: `≤ ${LONG_FRAME_MS} ms`, met: result.frames.max <= LONG_FRAME_MS }),
        },
        contextRow(`  page clock calibration, ${name}`, round(result.clock.uncertaintyMs), '± ms'),
      );
    }
    if (app.errors.length > 0) throw new Error(`the page reported errors: ${app.errors.slice(0, 3).join(' | ')}`);
  } finally {
    disconnect();
    await app.close();
    await core.close();
    await server.stop();
  }
  return entries;
}

export const toPixelsFigure: Figure = {
  id: 'pixels',
  title: 'status update → DOM in headless Chromium, and frame times',
  run,
};
