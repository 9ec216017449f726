/**
 * Starts Intake once Electron is ready: stores, window, tray, notifications,
 * the engine, IPC and OS events, in that order. Everything here is wiring;
 * the pieces are tested on their own and together over a fake electron.
 */
import { dirname, join } from 'node:path';
import { app, dialog, net, powerMonitor, protocol, safeStorage, session, shell } from 'electron';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/base/logger';
import { DisposableStore } from '../core/base/lifecycle';
import { TimerGroup } from '../core/base/timerGroup';
import { pathsFromArgv } from '../core/desktop/launchArgs';
import { startedAtLogin, type LoginItem } from '../core/desktop/autostart';
import { electronLoginItem } from './system/loginItem';
import type { StartDemoServer } from '../core/engine/backendSelector';
import type { IntakeEngineOptions } from '../core/engine/IntakeEngine';
import type { Engine } from '../core/engine/ports';
import { openEngine } from './openEngine';
import type { MessageEndpoint } from '../core/host/rpcPeer';
import { hotFolderLocationProblem, type ProtectedPlaces } from '../core/hotFolder/hotFolderLocation';
import { NO_POLICY, policyReport, type ManagedPolicy } from '../core/policy/managedPolicy';
import type { CallLog } from './callLog';
import { registerHandlers } from './ipc/registerHandlers';
import { createSenderGuard } from './ipc/senderGuard';
import { DesktopNotifier } from './notifications/desktopNotifier';
import { electronLegacyQueue } from './persistence/electronQueueStore';
import type { KeyValueStore } from './persistence/keyValueStore';
import type { LegacyQueueSource } from '../core/persistence/journalQueueStore';
import type { QueueStore } from '../core/queue/types';
import { SettingsRepository } from './persistence/settingsRepository';
import { IntakeShell } from './shell/IntakeShell';
import { SupportActions } from './shell/supportActions';
import type { AppUpdater } from 'electron-updater';
import { UpdateController, uploadsInFlight } from '../core/updates/updateController';
import { electronUpdaterPort } from './system/appUpdater';
import { watchNetwork } from './system/networkWatch';
import { TrayController } from './tray/trayController';
import { devServerCsp } from '../core/desktop/appAssetPath';
import { installApplicationMenu } from './window/applicationMenu';
import { serveAppProtocol } from './window/appProtocol';
import { hardenSession, hardenWebContents } from './window/contentSecurity';
import { MainWindowController } from './window/mainWindow';
import { ProxyLogin } from '../core/network/proxyLogin';
import { APP_ORIGIN } from '../core/desktop/senderPolicy';
import { registerProxyLoginChannel } from './ipc/proxyLoginChannel';
import { proxyLoginStore } from './persistence/proxyLoginStore';
import { ProxyLoginDialog } from './window/proxyLoginDialog';

/** How long Quit waits for the core to close before quitting anyway. */
export const SHUTDOWN_LIMIT_MS = 5_000;

export interface BootstrapOptions {
  /** Stand-ins for the engine's queue and connection (the shell's wiring tests); default the real ones. */
  engineParts?: IntakeEngineOptions['parts'];
  startDemoServer: StartDemoServer;
  /** Opens a store; `warn` hears what was wrong with the file on disk (a damaged one is kept aside). */
  openStore: (name: 'settings' | 'queue', directory: string, warn: (message: string) => void) => KeyValueStore;
  /** The queue's store (the journal in the user's data folder); `legacy` is where an older version kept it, migrated on load. */
  openQueueStore: (legacy: LegacyQueueSource) => QueueStore;
  /**
   * Runs the core in its own process (the app: Electron's utilityProcess, coreHost.ts): `open` starts
   * one and gives main's end of its channel (again if it dies); its journal is `queueDir`. Absent, the
   * engine runs in this process with openQueueStore.
   */
  coreHost?: { open: () => MessageEndpoint; queueDir: string };
  /** proxyLoginPreload: the sign-in dialog's preload (default: proxyLogin.cjs beside `preload`). */
  paths: { preload: string; renderer: string; trayIcons: string; appIcon?: string; proxyLoginPreload?: string };
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
  /** The administrator's managed settings (policyFile.ts); default none. */
  policy?: ManagedPolicy;
  /** electron-updater's updater for this OS (packaged app only); absent = no updates. */
  updater?: () => AppUpdater;
  /** Start at login (the XDG autostart entry on Linux, autostart.ts); default Electron's login item. */
  loginItem?: LoginItem;
  /** The rotating log file the logger writes (Open log folder, diagnostics); null = console only. */
  logFile?: string | null;
}

export interface RunningIntake {
  shell: IntakeShell;
  window: MainWindowController;
  engine: Engine;
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
  const protectedPlaces: ProtectedPlaces = {
    home: app.getPath('home'),
    desktop: app.getPath('desktop'),
    documents: app.getPath('documents'),
    downloads: app.getPath('downloads'),
    userData,
    appData: app.getPath('appData'),
  };
  // Told to the user once the shell can notify (below).
  const storeWarnings: string[] = [];
  const openStore = (name: 'settings' | 'queue') => o.openStore(name, userData, (message) => storeWarnings.push(message));
  const settingsStore = openStore('settings');
  const policy = o.policy ?? NO_POLICY;
  const settings = new SettingsRepository(settingsStore, safeStorage, logger, process.platform, policy);
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

  // Credentials for a proxy that asks: when to ask is core's (ProxyLogin), the dialog main's own window.
  const proxyDialog = new ProxyLoginDialog({
    preloadPath: o.paths.proxyLoginPreload ?? join(dirname(o.paths.preload), 'proxyLogin.cjs'),
    pageUrl: o.devServerUrl ? new URL('proxyLogin.html', o.devServerUrl).href : `${APP_ORIGIN}/proxyLogin.html`,
    parent: () => window.window,
    logger,
  });
  let rebuildNetwork = (): void => undefined;
  const proxyLogin = new ProxyLogin({ store: proxyLoginStore(settingsStore, safeStorage, logger), ask: (request) => proxyDialog.ask(request), onChange: () => rebuildNetwork(), logger });
  const { engine, applyNetwork } = await openEngine({
    options: o,
    settings,
    proxyLogin,
    session: session.defaultSession,
    legacyQueue: () => electronLegacyQueue(openStore('queue')),
    demoDataDir: join(userData, 'demo-server'),
    // Shown even with job notifications off: a folder that cannot be read, or files sent to failed/, need the user.
    onHotFolderNotice: (notice) => notifier.inform(notice.title, notice.body),
    onHostLost: () => intake?.warn('The part of Intake that uploads and follows jobs keeps stopping. Quit and start Intake again; every accepted job is saved.'),
    clock,
    logger,
  });

  const support = new SupportActions({
    engine,
    settings,
    clock,
    logger,
    logFile: o.logFile ?? null,
    versions: { intake: app.getVersion(), electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '', node: process.versions.node },
    pickSaveFile: async (name) => {
      const options = { title: 'Save diagnostics', defaultPath: join(app.getPath('downloads'), name), filters: [{ name: 'Text', extensions: ['txt'] }] };
      const parent = window.window;
      const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    openFolder: (path) => shell.openPath(path),
  });
  const loginItem = o.loginItem ?? electronLoginItem(app);
  const updates = o.updater
    ? new UpdateController({
        clock,
        policy: policy.updates,
        updater: electronUpdaterPort(o.updater(), policy.updates, logger),
        uploadsInFlight: () => uploadsInFlight(engine.queue.snapshot()),
        notify: (title, body) => notifier.inform(title, body),
        onChange: () => intake?.updateReady(),
        logger,
      })
    : null;
  /** Main's own file dialog: the only way a CA or dialect file is chosen (never a path from the page). */
  const pickOneFile = async (title: string, filter: { name: string; extensions: string[] }): Promise<string | null> => {
    const options = { title, properties: ['openFile'] as Array<'openFile'>, filters: [filter] };
    const parent = window.window;
    const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  intake = new IntakeShell({
    app,
    loginItem,
    ...(updates && { updates }),
    engine,
    support,
    applyNetwork,
    settings,
    window,
    tray,
    notifier,
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
    pickFolder: async () => {
      const options = { title: 'Choose the hot folder', properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'> };
      const parent = window.window;
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    protectedPlaces,
    pickCaFile: () => pickOneFile('Choose the CA certificate (PEM)', { name: 'Certificates', extensions: ['pem', 'crt', 'cer'] }),
    pickDialectFile: () => pickOneFile('Choose the dialect file (JSON)', { name: 'Dialect files', extensions: ['json'] }),
    confirm: async (question) => {
      const options = {
        type: 'warning' as const,
        title: question.title,
        message: question.message,
        detail: question.detail,
        buttons: ['Cancel', question.confirmLabel],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      };
      const parent = window.window;
      const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
      return response === 1;
    },
  });
  const running = intake;
  rebuildNetwork = () => {
    applyNetwork(settings.settings).catch((error: unknown) =>
      logger.warn('the network could not be built again for new proxy credentials', { error: (error as Error)?.name }),
    );
  };

  // What lives as long as the app: ended once, when the shutdown is done (or overdue).
  const lifetime = new DisposableStore();
  lifetime.add(registerProxyLoginChannel(proxyDialog, { devServerUrl: o.devServerUrl, logger }));
  lifetime.add(registerHandlers({
    handlers: running.handlers,
    isTrustedSender: createSenderGuard(() => window.window, { devServerUrl: o.devServerUrl }),
    onDroppedPath: (path) => running.grants.grant([path], 'drop'),
    logger,
  }));

  // Listen before start(): loading the saved queue reports damaged jobs as warning events.
  running.attach();
  for (const message of storeWarnings) running.warn(message);
  const policyProblem = policyReport(policy);
  if (policyProblem !== null) running.warn(policyProblem);
  await engine.start();
  // After the queue has started: the watcher reads the saved jobs to know which files it already sent.
  // Not awaited: a slow network share must not hold up the window. A saved folder Intake must not
  // walk (a hand-edited settings file) is not watched, and the user is told why.
  const savedFolder = settings.settings.hotFolder.path;
  const placeProblem = savedFolder === null ? null : hotFolderLocationProblem(savedFolder, protectedPlaces);
  if (placeProblem !== null) running.warn(`The hot folder is not watched. ${placeProblem}`);
  else void engine.hotFolder?.apply(settings.settings);
  if (updates) lifetime.add(updates).start();
  const networkWatch = lifetime.add(watchNetwork({ powerMonitor, net, clock, nudge: () => engine.connection.nudge() }));

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
    networkWatch.dispose();
    // A hung close (a stalled disk or network share) must not make Quit do nothing: every job
    // is already durable, so after the limit we quit with what is on disk.
    const limit = lifetime.add(new TimerGroup(clock));
    const overdue = new Promise<void>((resolve) => {
      limit.set('shutdown', SHUTDOWN_LIMIT_MS, () => {
        logger.warn(`Shutdown took longer than ${SHUTDOWN_LIMIT_MS / 1000} s; quitting anyway`);
        resolve();
      });
    });
    const closed = running.shutdown().catch((error: unknown) => logger.error('Shutdown did not finish cleanly', { error: (error as Error)?.name }));
    void Promise.race([closed, overdue]).then(() => {
      lifetime.dispose();
      shutDown = true;
      app.quit();
    });
  });

  const launchFiles = [...o.takeEarlyFiles(), ...pathsFromArgv(o.argv, { workingDirectory: o.cwd, ignore: o.argvIgnore })];
  // The OS setting can drift from ours (changed in system preferences, a reinstall): ours wins.
  if (loginItem.enabled() !== settings.settings.startAtLogin) loginItem.set(settings.settings.startAtLogin);
  // Started at login: the tray only, no window (our argument on every OS; macOS also says so itself).
  const openedAtLogin = startedAtLogin(o.argv) || app.getLoginItemSettings().wasOpenedAtLogin === true;
  if (launchFiles.length > 0) running.openFiles(launchFiles);
  else if (!openedAtLogin) window.show();
  return { shell: running, window, engine };
}
