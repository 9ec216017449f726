/**
 * The running app: wires the core (queue + connection) to the window, the
 * tray, notifications, the dock badge and the settings. Every decision it
 * makes is delegated to a pure function in core; this class only connects.
 */
import type { App } from 'electron';
import type { Clock, TimerHandle } from '../../core/clock';
import type { Logger } from '../../core/base/logger';
import { ChangeBatcher } from '../../core/tray/changeBatcher';
import { openJobCount, trayModel, type TrayAction } from '../../core/tray/trayModel';
import type { QueueSnapshot, SettingsView } from '../../shared/ipc';
import { webSocketUrlOverride, type SettingsPatch } from '../../shared/settings';
import type { BackendSelector } from '../backend/backendSelector';
import { queueServer, type ConnectionPort, type NotificationDecision, type QueuePort } from '../corePorts';
import type { HotFolderPort } from '../hotFolder/desktopHotFolder';
import type { DesktopNotifier } from '../notifications/desktopNotifier';
import { IpcFailure } from '../ipc/ipcFailure';
import type { IpcHandlers } from '../ipc/registerHandlers';
import { TokenStorageError, type SettingsRepository } from '../persistence/settingsRepository';
import type { TrayController } from '../tray/trayController';
import type { MainWindowController } from '../window/mainWindow';
import { createIntakeHandlers } from './intakeHandlers';

export const TRAY_REFRESH_MS = 250;
/** The same warning is shown again only after this long (a disk that stays full warns on every save). */
export const WARNING_REPEAT_MS = 10 * 60_000;

export interface IntakeShellOptions {
  app: Pick<App, 'setBadgeCount' | 'setLoginItemSettings' | 'quit'>;
  queue: QueuePort;
  connection: ConnectionPort;
  settings: SettingsRepository;
  backend: BackendSelector;
  /** The backend in use at start (from BackendSelector.select). */
  backendAtStart: { baseUrl: string; demo: boolean };
  window: MainWindowController;
  tray: TrayController;
  notifier: DesktopNotifier;
  /** Follows the hot-folder settings; absent in tests that do not care. */
  hotFolder?: HotFolderPort;
  clock: Clock;
  logger: Logger;
  pickFiles: () => Promise<string[]>;
  showItemInFolder: (path: string) => void;
}

export class IntakeShell {
  readonly handlers: IpcHandlers;
  private readonly batcher: ChangeBatcher;
  private readonly unsubscribe: Array<() => void> = [];
  private demoServer: boolean;
  private baseUrl: string;
  private seenUntil: number;
  private trayTimer: TimerHandle | null = null;
  private badge = -1;
  /** When each warning text was last shown. */
  private readonly warnedAt = new Map<string, number>();
  private quitting = false;
  /** Server switches run one after another, so the last one saved is the one in use. */
  private switching: Promise<void> = Promise.resolve();

  constructor(private readonly o: IntakeShellOptions) {
    this.demoServer = o.backendAtStart.demo;
    this.baseUrl = o.backendAtStart.baseUrl;
    this.seenUntil = o.clock.now();
    this.batcher = new ChangeBatcher({ clock: o.clock, deliver: (changes) => o.window.send('jobs', changes) });
    this.handlers = createIntakeHandlers({
      queue: () => o.queue,
      snapshot: () => this.snapshot(),
      settingsView: () => o.settings.view(),
      updateSettings: (patch) => this.updateSettings(patch),
      setToken: (token) => this.setToken(token),
      pickFiles: o.pickFiles,
      showItemInFolder: o.showItemInFolder,
      setPaused: (paused) => this.setPaused(paused),
    });
  }

  /** Subscribes to the core; call once, before the queue starts (loading it may report damaged jobs). */
  attach(): void {
    const { o } = this;
    this.unsubscribe.push(
      o.queue.onChange((changes) => {
        this.batcher.push(changes);
        this.scheduleTray();
      }),
      o.queue.onEvent((event) => {
        if (event.type === 'warning' && event.message) this.warn(event.message);
      }),
      o.connection.onState((state) => {
        o.window.send('connection', state);
        this.scheduleTray();
      }),
    );
    this.refreshTray();
  }

  get isQuitting(): boolean {
    return this.quitting;
  }

  snapshot(): QueueSnapshot {
    return { jobs: this.o.queue.snapshot(), connection: this.o.connection.state, paused: this.o.queue.paused, demoServer: this.demoServer };
  }

  /** The user looked at the window: failures so far are no longer "unseen" in the tray. */
  markSeen(): void {
    this.seenUntil = this.o.clock.now();
    this.scheduleTray();
  }

  notify(decision: NotificationDecision): void {
    if (!this.o.settings.settings.notifications) return;
    this.o.notifier.show(decision);
  }

  /** A notification or a tray job entry was clicked. */
  focusJob(id: string | undefined): void {
    this.o.window.show();
    if (id !== undefined) this.o.window.send('focusJob', id);
  }

  /** Files handed over by the OS (second launch, open-file): the renderer asks for the chart number. */
  openFiles(paths: string[]): void {
    if (paths.length === 0) {
      this.o.window.show();
      return;
    }
    this.o.window.show();
    this.o.window.send('openFiles', paths);
  }

  trayAction(action: TrayAction): void {
    switch (action) {
      case 'show':
        this.o.window.show();
        return;
      case 'pause':
        return this.setPaused(true);
      case 'resume':
        return this.setPaused(false);
      case 'settings':
        this.o.window.show();
        this.o.window.send('openSettings', null);
        return;
      case 'quit':
        return this.quit();
    }
  }

  /**
   * Something the user must know that is not one job's outcome: a damaged store kept aside,
   * the queue not saved, credentials refused. Logged, and shown as a notification (with the
   * window closed it is the only way to learn of it) unless the same text was shown lately.
   */
  warn(message: string): void {
    const { o } = this;
    o.logger.warn(message);
    const now = o.clock.now();
    const last = this.warnedAt.get(message);
    if (last !== undefined && now - last < WARNING_REPEAT_MS) return;
    this.warnedAt.set(message, now);
    o.notifier.inform('Intake needs your attention', message);
  }

  /** The close button hid the window: say so once, or users think the app quit. */
  hiddenToTray(): void {
    if (this.o.settings.settings.notifications && this.o.settings.takeHint('closeToTray')) {
      this.o.notifier.inform('Intake is still running', 'Uploads continue in the background. Use the tray icon to open Intake or quit it.');
    }
  }

  quit(): void {
    this.quitting = true;
    this.o.app.quit();
  }

  /** Called from before-quit: flush what the renderer and the disk must see, stop the core. */
  async shutdown(): Promise<void> {
    this.quitting = true;
    this.batcher.flush();
    this.batcher.dispose();
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.trayTimer !== null) this.o.clock.clearTimeout(this.trayTimer);
    this.o.window.saveBounds();
    // Before the queue closes: a closing queue would refuse the files the watcher is handing it.
    await this.o.hotFolder?.stop();
    this.o.notifier.dispose();
    await Promise.allSettled([this.o.queue.close(), this.o.connection.stop()]);
    await this.o.backend.close().catch(() => undefined);
    this.o.tray.destroy();
  }

  private setPaused(paused: boolean): void {
    if (paused) this.o.queue.pauseAll();
    else this.o.queue.resumeAll();
    this.o.window.send('paused', this.o.queue.paused);
    this.scheduleTray();
  }

  private async updateSettings(patch: SettingsPatch): Promise<SettingsView> {
    const { o } = this;
    const before = o.settings.settings;
    const tokenBefore = o.settings.token();
    const result = o.settings.update(patch);
    if (!result.ok) throw new IpcFailure('invalid_request', result.message);
    const changed = new Set(result.changed);
    // Everything else is applied before the server switch, which may fail: a saved setting is always in effect.
    if (changed.has('uploadConcurrency')) o.queue.setConcurrency(result.settings.uploadConcurrency);
    if (changed.has('historySize')) o.queue.setHistorySize(result.settings.historySize);
    if (changed.has('startAtLogin')) o.app.setLoginItemSettings({ openAtLogin: result.settings.startAtLogin });
    if (changed.has('chartNumbersInNotifications')) this.scheduleTray();
    // Withdrawing the permission to keep the token unencrypted deletes such a token.
    const token = o.settings.token();
    if (token !== tokenBefore) this.useToken(token);
    // Not awaited: stopping a watcher waits for its check, which a stalled network share can hold up.
    if (changed.has('hotFolder') || changed.has('chartNumberPattern')) void o.hotFolder?.apply(result.settings);
    if (changed.has('serverUrl')) {
      const next = this.switching.then(() => this.switchServer(result.settings.serverUrl, before.serverUrl));
      this.switching = next.catch(() => undefined);
      await next;
    } else if (changed.has('webSocketUrl')) {
      // Queued behind any server switch, so it applies to the server in use once that one is done.
      const next = this.switching.then(() => this.switchWebSocket());
      this.switching = next.catch(() => undefined);
      await next;
    }
    return o.settings.view();
  }

  private async switchServer(serverUrl: string | null, previous: string | null): Promise<void> {
    const { o } = this;
    let backend;
    try {
      backend = await o.backend.select(serverUrl);
    } catch {
      // Roll back only our own change: a newer switch queued behind this one has saved its URL since.
      if (o.settings.settings.serverUrl === serverUrl) o.settings.update({ serverUrl: previous });
      throw new IpcFailure('unavailable', 'The demo server could not be started; the previous server stays in use.');
    }
    const token = o.settings.token();
    o.queue.setServer(queueServer(backend.baseUrl, backend.demo, token));
    // The override saved last (a later patch may have changed it while the demo server started).
    o.connection.setServer(backend.baseUrl, webSocketUrlOverride(o.settings.settings, backend.demo));
    this.demoServer = backend.demo;
    this.baseUrl = backend.baseUrl;
    o.window.send('demoServer', backend.demo);
    o.logger.info(backend.demo ? 'Switched to the demo server' : 'Switched to the configured server');
  }

  /** Only the WebSocket URL changed: the connection moves, uploads and the backend stay. The demo server ignores it. */
  private switchWebSocket(): void {
    if (this.demoServer) return;
    this.o.connection.setServer(this.baseUrl, webSocketUrlOverride(this.o.settings.settings, false));
    this.o.logger.info('Switched the WebSocket URL of the configured server');
  }

  private async setToken(token: string | null): Promise<SettingsView> {
    const { o } = this;
    try {
      o.settings.setToken(token);
    } catch (error) {
      if (error instanceof TokenStorageError) throw new IpcFailure('invalid_request', error.message);
      throw error;
    }
    this.useToken(token);
    return o.settings.view();
  }

  private useToken(token: string | null): void {
    this.o.connection.setToken(token);
    this.o.queue.setServer(queueServer(this.baseUrl, this.demoServer, token));
  }

  private scheduleTray(): void {
    if (this.trayTimer !== null || this.quitting) return;
    this.trayTimer = this.o.clock.setTimeout(() => {
      this.trayTimer = null;
      this.refreshTray();
    }, TRAY_REFRESH_MS);
  }

  private refreshTray(): void {
    const { o } = this;
    const jobs = o.queue.snapshot();
    o.tray.render(
      trayModel({
        jobs,
        connection: o.connection.state,
        paused: o.queue.paused,
        seenUntil: this.seenUntil,
        showChartNumbers: o.settings.settings.chartNumbersInNotifications,
      }),
    );
    const open = openJobCount(jobs);
    if (open !== this.badge) {
      this.badge = open;
      o.app.setBadgeCount(open); // false where unsupported (most Linux desktops): nothing else to do
    }
  }
}
