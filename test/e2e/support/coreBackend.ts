/**
 * What main does for the window, minus Electron: the REAL UploadQueue and
 * ConnectionManager (file store in a temp dir) answering the bridge's calls,
 * and their changes pushed to the page as events, batched per 16 ms like
 * main batches them. Tests point it at a real reference server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/core/clock';
import { ConnectionManager } from '../../../src/core/connection/ConnectionManager';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { QueueInputError, UploadQueue } from '../../../src/core/queue/UploadQueue';
import { ChangeBatcher } from '../../../src/core/tray/changeBatcher';
import { ipcCalls, type IpcCallName, type IpcResult, type SettingsView } from '../../../src/shared/ipc';
import { DEFAULT_SETTINGS, type SettingsPatch } from '../../../src/shared/settings';
import type { BridgeHandler, InstalledBridge } from '../../support/testBridge';

export interface CoreBackend {
  handler: BridgeHandler;
  queue: UploadQueue;
  connection: ConnectionManager;
  /** Starts pushing events into the page(s) behind this bridge. */
  attach(bridge: InstalledBridge): void;
  /** What `pickFiles()` answers next (the native dialog's choice). */
  pickNext(paths: string[]): void;
  close(): Promise<void>;
}

export interface CoreBackendOptions {
  serverUrl: string;
  concurrency?: number;
  /** Shrunk reconnect timings so a restart test does not wait out a 10 s backoff. */
  fastReconnect?: boolean;
}

const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value });
const fail = (code: 'invalid_payload' | 'invalid_request' | 'not_found', message: string): IpcResult<never> => ({ ok: false, error: { code, message } });

export async function startCoreBackend(options: CoreBackendOptions): Promise<CoreBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'intake-e2e-core-'));
  const connection = new ConnectionManager({
    baseUrl: options.serverUrl,
    timings: options.fastReconnect ? { backoffBaseMs: 200, backoffCapMs: 1_000, pollIntervalMs: 500 } : {},
  });
  const queue = new UploadQueue({
    server: { baseUrl: options.serverUrl },
    store: createFileQueueStore(dir),
    tracker: connection,
    concurrency: options.concurrency ?? 2,
    timings: { retryBaseMs: 200, retryMaxMs: 1_000 },
  });
  connection.start();
  await queue.start();

  let settings: SettingsView = { ...DEFAULT_SETTINGS, serverUrl: options.serverUrl, hasToken: false, tokenEncryptionAvailable: true };
  let picked: string[] = [];
  let bridge: InstalledBridge | null = null;
  // Events go out one after another, in order, like webContents.send.
  let sending: Promise<void> = Promise.resolve();
  const send = (job: () => Promise<void>) => {
    sending = sending.then(job).catch(() => undefined);
  };

  // Batched as main batches them: one message per frame, the last upsert of a job wins.
  const batcher = new ChangeBatcher({ clock: systemClock, deliver: (batch) => bridge && send(() => bridge!.emit('jobs', batch)) });
  const stopChanges = queue.onChange((changes) => batcher.push(changes));
  const stopState = connection.onState((state) => bridge && send(() => bridge!.emit('connection', state)));

  const calls: { [N in IpcCallName]: (input: never) => unknown } = {
    inspectFiles: (paths: string[]) => queue.inspect(paths),
    enqueue: (input: { chartNumber: string; files: string[] }) => queue.enqueue(input),
    pickFiles: () => picked,
    cancel: (id: string) => queue.cancel(id),
    retry: (id: string) => queue.retry(id),
    remove: (id: string) => queue.remove(id),
    clearFinished: () => queue.clearFinished(),
    pauseAll: () => {
      queue.pauseAll();
      if (bridge) send(() => bridge!.emit('paused', true));
    },
    resumeAll: () => {
      queue.resumeAll();
      if (bridge) send(() => bridge!.emit('paused', false));
    },
    getSnapshot: () => ({ jobs: queue.snapshot(), connection: connection.state, paused: queue.paused, demoServer: false }),
    getResults: (id: string) => queue.getResults(id),
    getSettings: () => settings,
    updateSettings: (patch: SettingsPatch) => {
      settings = { ...settings, ...patch };
      if (patch.uploadConcurrency) queue.setConcurrency(patch.uploadConcurrency);
      return settings;
    },
    setToken: (token: string | null) => (settings = { ...settings, hasToken: token !== null }),
    revealFiles: () => undefined,
  };

  const handler: BridgeHandler = async (name, input) => {
    // Validate like main does: the renderer's payload is untrusted.
    const parsed = ipcCalls[name].input.safeParse(input);
    if (!parsed.success) return fail('invalid_payload', parsed.error.issues.map((issue) => issue.message).join('; '));
    try {
      return ok(await (calls[name] as (input: unknown) => unknown)(parsed.data));
    } catch (error) {
      if (error instanceof QueueInputError) return fail(error.code === 'not_found' ? 'not_found' : 'invalid_request', error.message);
      throw error;
    }
  };

  return {
    handler,
    queue,
    connection,
    attach: (installed) => void (bridge = installed),
    pickNext: (paths) => void (picked = paths),
    close: async () => {
      stopChanges();
      stopState();
      batcher.dispose();
      await queue.dispose();
      await connection.dispose();
      await sending;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
