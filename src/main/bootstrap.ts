/**
 * Starts Intake once Electron is ready: stores, backend, core, window, tray,
 * notifications, IPC and OS events, in that order. Everything here is wiring;
 * the pieces are tested on their own and together over a fake electron.
 */
import { join } from 'node:path';
import { app, dialog, ipcMain, net, powerMonitor, protocol, safeStorage, session, shell } from 'electron';
import type { Clock, TimerHandle } from '../core/clock';
import type { Logger } from '../core/base/logger';
import { pathsFromArgv } from '../core/desktop/launchArgs';
import { webSocketUrlOverride, type Settings } from '../shared/settings';
import { BackendSelector, type StartDemoServer } from './backend/backendSelector';
import type { CallLog } from './callLog';
import { createDesktopHotFolder, type HotFolderPort } from './hotFolder/desktopHotFolder';
import type { ConnectionPort, NotificationDecision, QueuePort } from './corePorts';
import { registerHandlers } from './ipc/registerHandlers';
import { createSenderGuard } from './ipc/senderGuard';
import { DesktopNotifier } from './notifications/desktopNotifier';
import type { QueueStore } from '../core/queue/UploadQueue';
import { createElectronQueueStore } from './persistence/electronQueueStore';
import type { KeyValueStore } from './persistence/keyValueStore';
import { SettingsRepository } from './persistence/settingsRepository';
import { IntakeShell } from './shell/IntakeShell';
import { watchNetwork } from './system/networkWatch';
import { TrayController } from './tray/trayController';
import { devServerCsp } from '../core/desktop/appAssetPath';
import { installApplicationMenu } from './window/applicationMenu';
import { serveAppProtocol } from './window/appProtocol';
import { hardenSession, hardenWebContents } from './window/contentSecurity';
import { MainWindowController } from './window/mainWindow';

/** How long Quit waits for the core to close before quitting anyway. */
export const SHUTDOWN_LIMIT_MS = 5_000;

export interface CoreParts {
  queue: QueuePort;
  connection: ConnectionPort;
  /** The core's notification policy, fed by the queue: decisions to show. */
  onNotification: (listener: (decision: NotificationDecision) => void) => () => void;
}

export interface CreateCoreOptions {
  baseUrl: string;
  /** True for the bundled demo server (its port changes at every start; its jobs stay). */
  demo: boolean;
  /** The WebSocket URL override; undefined = derived from baseUrl. */
  wsUrl?: string;
  token: string | null;
  store: QueueStore;
  settings: () => Settings;
  clock: Clock;
  logger: Logger;
}
export type CreateCore = (options: CreateCoreOptions) => CoreParts;

export interface BootstrapOptions {
  createCore: CreateCore;
  startDemoServer: StartDemoServer;
  /** Opens a store; `warn` hears what was wrong with the file on disk (a damaged one is kept aside). */
  openStore: (name: 'settings' | 'queue', directory: string, warn: (message: string) => void) => KeyValueStore;
  paths: { preload: string; renderer: string; trayIcons: string; appIcon?: string };
  devServerUrl: string | null;
  /** The app's own argv entries (executable, app folder) that are never documents. */
  argvIgnore: string[];
  clock: Clock;
  logger: Logger;
  callLog: CallLog | null;
  /** Files that arrived (open-file, second launch) before the shell's handlers existed; called once they do. */
  takeEarlyFiles: () => string[];
  /** This launch's command line and working directory (process.argv, process.cwd()). */
  argv: string[];
  cwd: string;
}

export interface RunningIntake {
  shell: IntakeShell;
  window: MainWindowController;
  core: CoreParts;
  hotFolder: HotFolderPort;
}

export async function bootstrap(o: BootstrapOptions): Promise<RunningIntake> {
  const { logger, clock } = o;
  hardenSession(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, logger));
  if (o.devServerUrl) {
    const policy = devServerCsp(o.devServerUrl);
    session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } }),
    );
  } else {
    serveAppProtocol(protocol, o.paths.renderer);
  }
  installApplicationMenu(process.platform, o.devServerUrl !== null);
  // Windows shows notifications only for an app with an AppUserModelID (the installer's appId).
  if (process.platform === 'win32') app.setAppUserModelId('org.intake.desktop');

  const userData = app.getPath('userData');
  // Told to the user once the shell can notify (below).
  const storeWarnings: string[] = [];
  const openStore = (name: 'settings' | 'queue') => o.openStore(name, userData, (message) => storeWarnings.push(message));
  const settings = new SettingsRepository(openStore('settings'), safeStorage, logger);
  const backend = new BackendSelector(o.startDemoServer, join(userData, 'demo-server'), logger);
  const firstBackend = await backend.select(settings.settings.serverUrl);
  const core = o.createCore({
    baseUrl: firstBackend.baseUrl,
    demo: firstBackend.demo,
    wsUrl: webSocketUrlOverride(settings.settings, firstBackend.demo),
    token: settings.token(),
    store: createElectronQueueStore(openStore('queue')),
    settings: () => settings.settings,
    clock,
    logger,
  });

  let intake: IntakeShell | null = null;
  const window = new MainWindowController({
    preloadPath: o.paths.preload,
    devServerUrl: o.devServerUrl,
    ...(o.paths.appIcon ? { iconPath: o.paths.appIcon } : {}),
    bounds: { load: () => settings.windowBounds(), save: (bounds) => settings.saveWindowBounds(bounds) },
    isQuitting: () => intake?.isQuitting ?? false,
    onHiddenToTray: () => intake?.hiddenToTray(),
    onSeen: () => intake?.markSeen(),
    logger,
  });
  const tray = new TrayController({
    iconDir: o.paths.trayIcons,
    template: process.platform === 'darwin',
    onAction: (action) => intake?.trayAction(action),
    onJob: (id) => intake?.focusJob(id),
    onDropFiles: (paths) => intake?.openFiles(paths),
    ...(o.callLog ? { observe: (model) => o.callLog?.('tray', { icon: model.icon, tooltip: model.tooltip, menuItems: model.menu.length }) } : {}),
  });
  const notifier = new DesktopNotifier({
    onClick: (jobIds) => intake?.focusJob(jobIds[0]),
    logger,
    ...(o.callLog ? { observe: (decision) => o.callLog?.('notification', { type: decision.kind, jobs: decision.jobIds.length }) } : {}),
  });

  const hotFolder = createDesktopHotFolder({ queue: core.queue, clock, logger, notifier });

  intake = new IntakeShell({
    app,
    queue: core.queue,
    connection: core.connection,
    settings,
    backend,
    backendAtStart: firstBackend,
    window,
    tray,
    notifier,
    hotFolder,
    clock,
    logger,
    pickFiles: async () => {
      const options = {
        title: 'Add documents',
        properties: ['openFile', 'multiSelections'] as Array<'openFile' | 'multiSelections'>,
        filters: [{ name: 'Documents', extensions: ['pdf', 'tif', 'tiff', 'png', 'jpg', 'jpeg'] }],
      };
      const parent = window.window;
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return result.canceled ? [] : result.filePaths;
    },
    showItemInFolder: (path) => shell.showItemInFolder(path),
  });
  const running = intake;

  registerHandlers(ipcMain, {
    handlers: running.handlers,
    isTrustedSender: createSenderGuard(() => window.window, { devServerUrl: o.devServerUrl }),
    logger,
  });

  // Listen before start(): loading the saved queue reports damaged jobs as warning events.
  running.attach();
  for (const message of storeWarnings) running.warn(message);
  await core.queue.start();
  core.connection.start();
  // After the queue has started: the watcher reads the saved jobs to know which files it already sent.
  // Not awaited: a slow network share must not hold up the window.
  void hotFolder.apply(settings.settings);
  const stopNotifications = core.onNotification((decision) => running.notify(decision));
  const stopWatch = watchNetwork({ powerMonitor, net, clock, nudge: () => core.connection.nudge() });

  app.on('second-instance', (_event, argv, workingDirectory) => {
    running.openFiles(pathsFromArgv(argv, { workingDirectory, ignore: o.argvIgnore }));
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    running.openFiles([path]);
  });
  app.on('activate', () => window.show());
  // A tray app keeps running with no window; quitting is explicit (tray or menu).
  app.on('window-all-closed', () => undefined);
  let shutDown = false;
  app.on('before-quit', (event) => {
    if (shutDown) return;
    // Electron does not wait for promises here: hold the quit, finish writing, then quit again.
    event.preventDefault();
    stopWatch();
    stopNotifications();
    // A hung close (a stalled disk or network share) must not make Quit do nothing: every job
    // is already durable, so after the limit we quit with what is on disk.
    let limit: TimerHandle | null = null;
    const overdue = new Promise<void>((resolve) => {
      limit = clock.setTimeout(() => {
        logger.warn(`Shutdown took longer than ${SHUTDOWN_LIMIT_MS / 1000} s; quitting anyway`);
        resolve();
      }, SHUTDOWN_LIMIT_MS);
    });
    const closed = running.shutdown().catch((error: unknown) => logger.error('Shutdown did not finish cleanly', { error: (error as Error)?.name }));
    void Promise.race([closed, overdue]).then(() => {
      if (limit !== null) clock.clearTimeout(limit);
      shutDown = true;
      app.quit();
    });
  });

  const launchFiles = [...o.takeEarlyFiles(), ...pathsFromArgv(o.argv, { workingDirectory: o.cwd, ignore: o.argvIgnore })];
  const loginItem = app.getLoginItemSettings();
  // The OS setting can drift from ours (changed in system preferences, a reinstall): ours wins.
  if (loginItem.openAtLogin !== settings.settings.startAtLogin) app.setLoginItemSettings({ openAtLogin: settings.settings.startAtLogin });
  const openedAtLogin = loginItem.wasOpenedAtLogin === true;
  if (launchFiles.length > 0) running.openFiles(launchFiles);
  else if (!openedAtLogin) window.show();
  return { shell: running, window, core, hotFolder };
}
