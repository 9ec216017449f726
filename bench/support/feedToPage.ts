/**
 * Feeds a page the way main feeds the renderer (src/main/shell): the queue's
 * changes through a PageFeed (one batch per frame; deltas, or whole jobs for
 * the "before" path), each batch handed to the page's `__intakeEmit` as one
 * JSON string. Like `webContents.send`, a batch is sent without waiting for
 * the previous one to be acknowledged (awaiting each DevTools round trip would
 * add a queue Electron does not have); order holds because every call travels
 * the same protocol connection to the same page, which runs them in order.
 *
 * Playwright validates and serializes object arguments value by value in
 * JavaScript, which at 10,000 updates/s costs more CPU than all of Intake
 * (seen in a CPU profile); a string crosses as one value and the page parses
 * it natively — close to what Electron's structured-clone IPC costs.
 */
import type { Page } from 'playwright-core';
import { systemClock } from '../../src/core/clock';
import type { EngineQueue } from '../../src/core/engine/ports';
import { PageFeed } from '../../src/core/tray/pageFeed';
import type { JobDelta } from '../../src/shared/jobDelta';
import type { QueueChange } from '../../src/shared/queueJob';
import { benchNow, readStamp, type Stamp } from '../benchClock';

/** Where the time goes on the Node side: socket write → queue change, and → batch handed to the page. */
export interface NodeSideProbe {
  recording: boolean;
  toQueueChange: number[];
  toPageDelivered: number[];
  /** Bytes of batches sent to the page while recording (what Electron IPC would carry). */
  bytesSent: number;
}

export function newProbe(): NodeSideProbe {
  return { recording: false, toQueueChange: [], toPageDelivered: [], bytesSent: 0 };
}

function messageOf(change: JobDelta): unknown {
  if (change.type === 'upsert') return change.job.server?.message;
  if (change.type !== 'patch') return undefined;
  const field = change.fields.find((candidate) => candidate.path.join('.') === 'server.message');
  return field !== undefined && 'value' in field ? field.value : undefined;
}

function stampsOf(changes: readonly JobDelta[]): Stamp[] {
  const stamps: Stamp[] = [];
  for (const change of changes) {
    const message = messageOf(change);
    const stamp = typeof message === 'string' ? readStamp(message) : null;
    if (stamp?.sentAt != null) stamps.push(stamp);
  }
  return stamps;
}

function emitJobsAsJson(page: Page, json: string): Promise<void> {
  return page.evaluate((batch) => {
    (globalThis as unknown as { __intakeEmit: (event: string, payload: unknown) => void }).__intakeEmit('jobs', JSON.parse(batch));
  }, json);
}

/** Starts feeding `page`; the returned function stops it. */
export function feedToPage(queue: EngineQueue, page: Page, probe: NodeSideProbe, encoding: 'delta' | 'whole'): () => void {
  const send = (deltas: JobDelta[]) =>
    void (async () => {
      const json = JSON.stringify(deltas);
      if (probe.recording) probe.bytesSent += Buffer.byteLength(json);
      await emitJobsAsJson(page, json);
      if (!probe.recording) return;
      const now = benchNow();
      for (const stamp of stampsOf(deltas)) probe.toPageDelivered.push(now - stamp.sentAt!);
    })().catch(() => undefined);
  const feed = new PageFeed({ clock: systemClock, send, encoding });
  const stop = queue.onChange((changes: QueueChange[]) => {
    if (probe.recording) {
      const now = benchNow();
      for (const stamp of stampsOf(changes)) probe.toQueueChange.push(now - stamp.sentAt!);
    }
    feed.push(changes);
  });
  return () => {
    stop.dispose();
    feed.dispose();
  };
}
