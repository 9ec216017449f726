/**
 * What main does for the window, minus Electron: the REAL IntakeEngine (file
 * store in a temp dir) behind main's own IPC handlers (createIntakeHandlers)
 * and main's gate (handleCall: sender check, plain-data and schema
 * validation), with the engine's changes pushed to the page as events,
 * batched per 16 ms like main batches them. Tests point it at a real
 * reference server.
 */
import type { Dialect } from '../../../src/shared/dialect';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { DisposableStore } from '../../../src/core/base/lifecycle';
import { silentLogger } from '../../../src/core/base/logger';
import { PathGrants } from '../../../src/core/desktop/pathGrants';
import { isTrustedUiUrl } from '../../../src/core/desktop/senderPolicy';
import { IntakeEngine } from '../../../src/core/engine/IntakeEngine';
import type { Engine, EngineConnection, EngineQueue } from '../../../src/core/engine/ports';
import { createStateDirQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { handleCall } from '../../../src/main/ipc/ipcGate';
import { createIntakeHandlers } from '../../../src/main/shell/intakeHandlers';
import type { SettingsView } from '../../../src/shared/ipc';
import { DEFAULT_SETTINGS, type SettingsPatch } from '../../../src/shared/settings';
import type { BridgeHandler, BridgeSender, DroppedPathHandler, InstalledBridge } from '../../support/testBridge';

export interface CoreBackend {
  handler: BridgeHandler;
  engine: Engine;
  queue: EngineQueue;
  connection: EngineConnection;
  /** Starts pushing events into the page(s) behind this bridge. */
  attach(bridge: InstalledBridge): void;
  /** Calls are accepted only from the main frame of a page at `appUrl`'s origin (none before this); give it to openApp. */
  trust(appUrl: string): void;
  /** Main's side of the preload's dropped-file report; give it to openApp. */
  dropped: DroppedPathHandler;
  /** What `pickFiles()` answers next (the native dialog's choice). */
  pickNext(paths: string[]): void;
  close(): Promise<void>;
}

export interface CoreBackendOptions {
  serverUrl: string;
  concurrency?: number;
  /** Shrunk reconnect timings so a restart test does not wait out a 10 s backoff. */
  fastReconnect?: boolean;
  /** The backend's contract (default intake). */
  dialect?: Dialect;
  /** The queue's state folder, kept by the caller (the bench seeds a long history there); default a fresh temp folder. */
  stateDir?: string;
  historySize?: number;
  /** Another engine for the same handlers (the bench: the engine in its own process); default IntakeEngine in this process. */
  openEngine?: () => Promise<Engine>;
}

export async function startCoreBackend(options: CoreBackendOptions): Promise<CoreBackend> {
  const dir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'intake-e2e-core-'));
  const engine: Engine = options.openEngine ? await options.openEngine() : await IntakeEngine.open({
    choice: { serverUrl: options.serverUrl, webSocketUrl: null, token: null, ...(options.dialect && { dialect: options.dialect }) },
    store: createStateDirQueueStore(dir),
    queue: { concurrency: options.concurrency ?? 2, ...(options.historySize && { historySize: options.historySize }), timings: { retryBaseMs: 200, retryMaxMs: 1_000 } },
    connection: { timings: options.fastReconnect ? { backoffBaseMs: 200, backoffCapMs: 1_000, pollIntervalMs: 500 } : {} },
  });
  const { queue, connection } = engine;
  const subscriptions = new DisposableStore();

  let settings: SettingsView = { ...DEFAULT_SETTINGS, serverUrl: options.serverUrl, hasToken: false, tokenEncryptionAvailable: true, tokenNotice: null, locked: [] };
  let picked: string[] = [];
  let bridge: InstalledBridge | null = null;
  let appUrl: string | null = null;
  // Events go out one after another, in order, like webContents.send.
  let sending: Promise<void> = Promise.resolve();
  const send = (job: () => Promise<void>) => {
    sending = sending.then(job).catch(() => undefined);
  };

  // Fed as main feeds the page: one batch per frame, each job as its changed fields.
  subscriptions.add(engine.onPageBatch((deltas) => bridge && send(() => bridge!.emit('jobs', deltas))));
  subscriptions.add(connection.onState((state) => bridge && send(() => bridge!.emit('connection', state))));
  // As main forwards them (IntakeShell.attach).
  const onBatch = connection.onBatch?.bind(connection);
  if (onBatch) subscriptions.add(onBatch((batch) => bridge && send(() => bridge!.emit('batch', batch))));

  const grants = new PathGrants();
  const trusted = (sender: BridgeSender) => sender.mainFrame && appUrl !== null && isTrustedUiUrl(sender.url, { devServerUrl: appUrl });
  // Main's handlers; only the desktop services (settings store, dialogs, file manager) are stand-ins.
  const handlers = createIntakeHandlers({
    grants,
    queue: () => queue,
    snapshot: () => {
      engine.flushPage();
      return { jobs: queue.snapshot(), connection: connection.state, paused: queue.paused, demoServer: false };
    },
    settingsView: () => settings,
    updateSettings: async (patch: SettingsPatch) => {
      settings = { ...settings, ...patch };
      if (patch.uploadConcurrency) queue.setConcurrency(patch.uploadConcurrency);
      return settings;
    },
    setToken: async (token) => (settings = { ...settings, hasToken: token !== null }),
    pickHotFolder: async () => settings,
    pickCaFile: async () => settings,
    pickDialectFile: async () => settings,
    testConnection: () => engine.checkConnection(),
    pickFiles: async () => picked,
    showItemInFolder: () => undefined,
    openLogFolder: async () => undefined,
    saveDiagnostics: async () => false,
    setPaused: (paused) => {
      if (paused) queue.pauseAll();
      else queue.resumeAll();
      if (bridge) send(() => bridge!.emit('paused', queue.paused));
    },
  });

  // Main's gate, with main's sender rule: the page's main frame showing our UI (served from the test's origin).
  const handler: BridgeHandler = (name, input, sender) =>
    handleCall(name, senderEvent(sender), [input], {
      handlers,
      isTrustedSender: () => trusted(sender),
      logger: silentLogger,
    });

  await engine.start();
  return {
    handler,
    engine,
    queue,
    connection,
    attach: (installed) => void (bridge = installed),
    trust: (url) => void (appUrl = url),
    // As main's DROPPED_PATH_CHANNEL listener: from our window only.
    dropped: (path, sender) => {
      if (trusted(sender)) grants.grant([path], 'drop');
    },
    pickNext: (paths) => void (picked = paths),
    close: async () => {
      subscriptions.dispose();
      await engine.dispose();
      await sending;
      if (options.stateDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What handleCall reads of an invoke event, from the page that called. */
function senderEvent(sender: BridgeSender): IpcMainInvokeEvent {
  return { senderFrame: { url: sender.url } } as unknown as IpcMainInvokeEvent;
}
