/**
 * The renderer's e2e harness: the built renderer served with the production
 * CSP, and the real core behind the test bridge. Reused, not copied. It is
 * imported by URL because test/e2e is type-checked apart from the Node
 * project the bench belongs to; these are the parts the bench uses.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { Engine, EngineConnection, EngineQueue } from '../../src/core/engine/ports';
import type { BridgeHandler, InstalledBridge } from '../../test/support/testBridge';
import { waitFor } from './waitFor';

export interface AppHarness {
  page: Page;
  context: BrowserContext;
  bridge: InstalledBridge;
  errors: string[];
  reload(): Promise<void>;
  close(): Promise<void>;
}

export interface CoreBackend {
  handler: BridgeHandler;
  engine: Engine;
  queue: EngineQueue;
  connection: EngineConnection;
  trust(appUrl: string): void;
  close(): Promise<void>;
}

export interface CoreBackendOptions {
  serverUrl: string;
  /** The queue's state folder (kept by the caller); default a fresh temp folder. */
  stateDir?: string;
  historySize?: number;
  /** Another engine for the same handlers (the engine in its own process); default IntakeEngine in the bench's process. */
  openEngine?: () => Promise<Engine>;
}

export async function loadE2eHarness() {
  const url = (file: string) => new URL(`../../test/e2e/support/${file}`, import.meta.url).href;
  const { openApp } = (await import(url('appHarness.ts'))) as { openApp: (handler: BridgeHandler, options: { trust: (appUrl: string) => void }) => Promise<AppHarness> };
  const { startCoreBackend } = (await import(url('coreBackend.ts'))) as { startCoreBackend: (options: CoreBackendOptions) => Promise<CoreBackend> };
  return { openApp, startCoreBackend };
}

/** `count` jobs of `file`, uploaded and followed by the core (tracking, with a first server state). Local ids, in queue order. */
export async function enqueueTrackedJobs(core: Pick<CoreBackend, 'queue'>, file: string, count: number): Promise<string[]> {
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
