/**
 * The running app's desktop side: the engine's changes to the window, the
 * tray, notifications and the dock badge; the user's settings and token to
 * the engine. Every decision is the engine's or a pure function's in core;
 * this class only connects.
 */
import type { App } from 'electron';
import type { LoginItem } from '../../core/desktop/autostart';
import { DisposableStore } from '../../core/base/lifecycle';
import type { Logger } from '../../core/base/logger';
import { TimerGroup } from '../../core/base/timerGroup';
import type { Clock } from '../../core/clock';
import type { Engine } from '../../core/engine/ports';
import type { NotificationDecision } from '../../core/notifications/notificationPolicy';
import { PathGrants } from '../../core/desktop/pathGrants';
import { serverChangeConfirmation, type Confirmation } from '../../core/desktop/serverChangeConfirmation';
import { applySettingsPatch } from '../../core/desktop/settingsUpdate';
import { lockedChangeProblem, lockedSettingProblem } from '../../core/policy/managedPolicy';
import { filesAlreadyThere, hotFolderLocationProblem, type ProtectedPlaces } from '../../core/hotFolder/hotFolderLocation';
import { openJobCount, trayModel, type TrayAction } from '../../core/tray/trayModel';
import type { ConnectionCheck, QueueSnapshot, SettingsView } from '../../shared/ipc';
import type { SettingsPatch } from '../../shared/settings';
import type { DesktopNotifier } from '../notifications/desktopNotifier';
import { IpcFailure } from '../ipc/ipcFailure';
import type { IpcHandlers } from '../ipc/ipcGate';
import { TokenStorageError, type SettingsRepository } from '../persistence/settingsRepository';
import type { TrayController } from '../tray/trayController';
import type { MainWindowController } from '../window/mainWindow';
import { createIntakeHandlers } from './intakeHandlers';
import type { SupportActions } from './supportActions';
import type { UpdateController } from '../../core/updates/updateController';
import type { Settings } from '../../shared/settings';
import { NETWORK_SETTING_KEYS } from '../../core/network/appNetwork';
import { isBuiltInDialect, loadBackend } from '../../core/dialect/backendChoice';
import type { Dialect } from '../../shared/dialect';

export const TRAY_REFRESH_MS = 250;
/** The same warning is shown again only after this long (a disk that stays full warns on every save). */
export const WARNING_REPEAT_MS = 10 * 60_000;

export interface IntakeShellOptions {
  app: Pick<App, 'setBadgeCount' | 'quit'>;
  /** Start at login: Electron's login item, or the XDG autostart entry on Linux. */
  loginItem: LoginItem;
  engine: Engine;
  settings: SettingsRepository;
  window: MainWindowController;
  tray: TrayController;
  notifier: DesktopNotifier;
  clock: Clock;
  logger: Logger;
  pickFiles: () => Promise<string[]>;
  showItemInFolder: (path: string) => void;
  /** A question in a native dialog of main's own (the page cannot answer it); true = confirmed. */
  confirm: (question: Confirmation) => Promise<boolean>;
  /** The native folder dialog; null when cancelled. */
  pickFolder: () => Promise<string | null>;
  /** The native file dialog for a CA certificate; null when cancelled. */
  pickCaFile: () => Promise<string | null>;
  /** The native file dialog for a custom dialect file (JSON); null when cancelled. */
  pickDialectFile: () => Promise<string | null>;
  /** Folders a hot folder may not be (home, Documents, …, Intake's own data). */
  protectedPlaces: ProtectedPlaces;
  /** Updates (core's UpdateController); absent = no updates in this session. */
  updates?: Pick<UpdateController, 'readyVersion' | 'requestRestart' | 'queueChanged'>;
  /** Open log folder / Save diagnostics…; absent, both answer that they are unavailable. */
  support?: Pick<SupportActions, 'openLogFolder' | 'saveDiagnostics'>;
  /**
   * Builds the network for Settings → Network and puts it in use (appNetwork); rejects, changing
   * nothing, when it cannot be built. Absent, network settings change nothing (wiring tests).
   */
  applyNetwork?: (settings: Settings) => Promise<void>;
}

export class IntakeShell {
  readonly handlers: IpcHandlers;
  private readonly disposables = new DisposableStore();
  private readonly timers: TimerGroup;
  private seenUntil: number;
  private badge = -1;
  /** When each warning text was last shown. */
  private readonly warnedAt = new Map<string, number>();
  private quitting = false;
  /** What the user handed over: picked, dropped, or given by the OS. */
  readonly grants = new PathGrants();

  constructor(private readonly o: IntakeShellOptions) {
    this.seenUntil = o.clock.now();
    this.timers = this.disposables.add(new TimerGroup(o.clock));
    this.handlers = createIntakeHandlers({
      queue: () => o.engine.queue,
      snapshot: () => this.snapshot(),
      settingsView: () => o.settings.view(),
      updateSettings: (patch) => this.updateSettings(patch),
      setToken: (token) => this.setToken(token),
      pickHotFolder: () => this.pickHotFolder(),
      pickCaFile: () => this.pickCaFile(),
      pickDialectFile: () => this.pickDialectFile(),
      testConnection: () => this.testConnection(),
      pickFiles: o.pickFiles,
      grants: this.grants,
      showItemInFolder: o.showItemInFolder,
      setPaused: (paused) => this.setPaused(paused),
      openLogFolder: () => this.support().openLogFolder(),
      saveDiagnostics: () => this.support().saveDiagnostics(),
    });
  }

  /** Subscribes to the engine; call once, before it starts (loading the queue may report damaged jobs). */
  attach(): void {
    const { o } = this;
    const { queue, connection } = o.engine;
    this.disposables.add(
      // Only what changed in each job crosses to the page, at most once per frame.
      o.engine.onPageBatch((deltas) => o.window.send('jobs', deltas)),
    );
    this.disposables.add(
      queue.onChange(() => {
        this.scheduleTray();
        o.updates?.queueChanged();
      }),
    );
    this.disposables.add(
      queue.onEvent((event) => {
        if (event.type === 'warning') this.warn(event.message);
      }),
    );
    this.disposables.add(
      connection.onState((state) => {
        o.window.send('connection', state);
        this.scheduleTray();
      }),
    );
    this.disposables.add(o.engine.onServer((server) => o.window.send('demoServer', server.demo)));
    // Only a backend with batches (seed 004) reports them; the page shows them on the batch's jobs.
    const onBatch = connection.onBatch?.bind(connection);
    if (onBatch) this.disposables.add(onBatch((batch) => o.window.send('batch', batch)));
    this.disposables.add(o.engine.onNotification((decision) => this.notify(decision)));
    this.refreshTray();
  }

  get isQuitting(): boolean {
    return this.quitting;
  }

  snapshot(): QueueSnapshot {
    // Everything batched so far leaves before the snapshot: patches the page holds until it arrives are then all older than it.
    this.o.engine.flushPage();
    const { queue, connection, server } = this.o.engine;
    return { jobs: queue.snapshot(), connection: connection.state, paused: queue.paused, demoServer: server.demo };
  }

  /** The user looked at the window: failures so far are no longer "unseen" in the tray. */
  markSeen(): void {
    this.seenUntil = this.o.clock.now();
    this.scheduleTray();
  }

  private notify(decision: NotificationDecision): void {
    if (!this.o.settings.settings.notifications) return;
    this.o.notifier.show(decision);
  }

  /** A notification or a tray job entry was clicked. */
  focusJob(id: string | undefined): void {
    this.o.window.show();
    if (id !== undefined) this.o.window.send('focusJob', id);
  }

  /** Files handed over by the OS (second launch, open-file): the renderer asks for the chart number. */
  openFiles(given: string[]): void {
    const paths = this.grants.grant(given, 'launch');
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
      case 'openLogs':
      case 'saveDiagnostics':
        // From the tray there is no page to answer: a failure is told as a warning.
        void (action === 'openLogs' ? this.support().openLogFolder() : this.support().saveDiagnostics()).catch((error: unknown) =>
          this.warn(error instanceof IpcFailure ? error.message : 'The diagnostics could not be saved.'),
        );
        return;
      case 'installUpdate':
        this.o.updates?.requestRestart();
        return;
      case 'quit':
        return this.quit();
    }
  }

  /** An update was downloaded: the tray offers the restart. */
  updateReady(): void {
    this.scheduleTray();
  }

  private support(): NonNullable<IntakeShellOptions['support']> {
    if (!this.o.support) throw new IpcFailure('unavailable', 'Logs and diagnostics are not available in this session.');
    return this.o.support;
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

  /** Called from before-quit: flush what the renderer and the disk must see, then end the engine. */
  async shutdown(): Promise<void> {
    this.quitting = true;
    this.o.engine.flushPage();
    this.disposables.dispose();
    this.o.window.saveBounds();
    this.o.notifier.dispose();
    await this.o.engine.dispose();
    this.o.tray.dispose();
  }

  private setPaused(paused: boolean): void {
    const { queue } = this.o.engine;
    if (paused) queue.pauseAll();
    else queue.resumeAll();
    this.o.window.send('paused', queue.paused);
    this.scheduleTray();
  }

  /** A locked setting is refused before any dialog or check, with the reason (the administrator's policy). */
  private refuseLocked(patch: SettingsPatch | keyof Settings): void {
    const { policy, settings } = this.o.settings;
    const problem = typeof patch === 'string' ? lockedSettingProblem(policy, patch) : lockedChangeProblem(policy, settings, patch);
    if (problem !== null) throw new IpcFailure('invalid_request', problem);
  }

  private async updateSettings(patch: SettingsPatch): Promise<SettingsView> {
    this.refuseLocked(patch);
    const path = patch.hotFolder?.path;
    if (path !== undefined && path !== null && path !== this.o.settings.settings.hotFolder.path) {
      throw new IpcFailure('invalid_request', 'Choose the hot folder with "Choose folder…": Intake watches only a folder picked in its own dialog.');
    }
    if (patch.caFile !== undefined && patch.caFile !== null && patch.caFile !== this.o.settings.settings.caFile) {
      throw new IpcFailure('invalid_request', 'Choose the CA certificate with "Choose file…": Intake reads only a file picked in its own dialog.');
    }
    if (patch.backend !== undefined && patch.backend !== this.o.settings.settings.backend && !isBuiltInDialect(patch.backend)) {
      throw new IpcFailure('invalid_request', 'Choose the dialect file with "Custom dialect file…": Intake reads only a file picked in its own dialog.');
    }
    return this.applySettings(patch);
  }

  /** A custom dialect file, chosen in main's dialog; a malformed one is refused with the field, and nothing changes. */
  private async pickDialectFile(): Promise<SettingsView> {
    this.refuseLocked('backend');
    const file = await this.o.pickDialectFile();
    return file === null ? this.o.settings.view() : this.applySettings({ backend: file });
  }

  /** A custom CA certificate, chosen in main's dialog; one that cannot be used is refused and nothing changes. */
  private async pickCaFile(): Promise<SettingsView> {
    this.refuseLocked('caFile');
    const file = await this.o.pickCaFile();
    return file === null ? this.o.settings.view() : this.applySettings({ caFile: file });
  }

  /** The same steps as `intake doctor`, to the server in use, through its network. */
  private testConnection(): Promise<ConnectionCheck[]> {
    return this.o.engine.checkConnection();
  }

  /** The hot folder, chosen in main's dialog: refused where Intake would walk a whole tree; files already there are asked about. */
  private async pickHotFolder(): Promise<SettingsView> {
    const { o } = this;
    this.refuseLocked('hotFolder');
    const folder = await o.pickFolder();
    if (folder === null) return o.settings.view();
    const problem = hotFolderLocationProblem(folder, o.protectedPlaces);
    if (problem !== null) throw new IpcFailure('invalid_request', problem);
    const waiting = await filesAlreadyThere(folder).catch(() => 0);
    if (waiting > 0) {
      const files = waiting === 1 ? '1 file is' : `${waiting >= 1000 ? 'More than 1,000' : waiting} files are`;
      const confirmed = await o.confirm({
        title: 'Upload the files already there?',
        message: `${files} already in this folder: upload ${waiting === 1 ? 'it' : 'them'}?`,
        detail: 'Intake uploads every document in the hot folder, under the chart number from its sub-folder or file name, then moves it to done/ or failed/.',
        confirmLabel: waiting === 1 ? 'Upload it' : 'Upload them',
      });
      if (!confirmed) throw new IpcFailure('invalid_request', 'Nothing was changed: the hot folder was not set.');
    }
    return this.applySettings({ hotFolder: { path: folder, enabled: true } });
  }

  private async applySettings(patch: SettingsPatch): Promise<SettingsView> {
    const { o } = this;
    const before = o.settings.settings;
    const tokenBefore = o.settings.token();
    // Another origin or plain HTTP to another host is the user's call, asked by main, never the page's.
    const preview = applySettingsPatch(before, patch);
    const question = preview.ok ? serverChangeConfirmation(before, preview.settings) : null;
    if (question !== null && !(await o.confirm(question))) {
      throw new IpcFailure('invalid_request', 'Nothing was changed: the new server was not confirmed.');
    }
    // The dialect is read before anything is saved: a file that cannot be used changes nothing.
    const dialect = patch.backend === undefined ? undefined : await this.loadDialect(patch.backend);
    const result = o.settings.update(patch);
    if (!result.ok) throw new IpcFailure('invalid_request', result.message);
    const changed = new Set(result.changed);
    if (changed.has('startAtLogin')) o.loginItem.set(result.settings.startAtLogin);
    if (changed.has('chartNumbersInNotifications')) this.scheduleTray();
    // Withdrawing the permission to keep the token unencrypted deletes such a token.
    const token = o.settings.token();
    if (token !== tokenBefore) o.engine.setToken(token);
    if (o.applyNetwork && NETWORK_SETTING_KEYS.some((key) => changed.has(key))) {
      try {
        await o.applyNetwork(result.settings);
      } catch (error) {
        // A custom CA file that cannot be used: nothing of the change stays, the previous network is in force.
        o.settings.update({ proxyMode: before.proxyMode, proxyUrl: before.proxyUrl, proxyBypass: before.proxyBypass, caFile: before.caFile });
        throw new IpcFailure('invalid_request', error instanceof Error ? error.message : 'The network settings could not be used.');
      }
    }
    try {
      // Everything but the server switch is in effect before it, which may fail: a saved setting is always in force.
      await o.engine.configure(result.settings, changed, dialect);
    } catch {
      // Roll back only our own change: a newer switch queued behind this one has saved its URL since.
      if (o.settings.settings.serverUrl === result.settings.serverUrl) o.settings.update({ serverUrl: before.serverUrl, backend: before.backend });
      throw new IpcFailure('unavailable', 'The demo server could not be started; the previous server stays in use.');
    }
    return o.settings.view();
  }

  private async loadDialect(backend: string): Promise<Dialect> {
    try {
      return await loadBackend(backend);
    } catch (error) {
      throw new IpcFailure('invalid_request', error instanceof Error ? error.message : 'The dialect file could not be used.');
    }
  }

  private async setToken(token: string | null): Promise<SettingsView> {
    const { o } = this;
    try {
      o.settings.setToken(token);
    } catch (error) {
      if (error instanceof TokenStorageError) throw new IpcFailure('invalid_request', error.message);
      throw error;
    }
    o.engine.setToken(token);
    return o.settings.view();
  }

  private scheduleTray(): void {
    if (this.quitting) return;
    this.timers.ensure('tray', TRAY_REFRESH_MS, () => this.refreshTray());
  }

  private refreshTray(): void {
    const { o } = this;
    const { queue, connection } = o.engine;
    const jobs = queue.snapshot();
    o.tray.render(
      trayModel({
        jobs,
        connection: connection.state,
        paused: queue.paused,
        seenUntil: this.seenUntil,
        showChartNumbers: o.settings.settings.chartNumbersInNotifications,
        updateVersion: o.updates?.readyVersion ?? null,
      }),
    );
    const open = openJobCount(jobs);
    if (open !== this.badge) {
      this.badge = open;
      o.app.setBadgeCount(open); // false where unsupported (most Linux desktops): nothing else to do
    }
  }
}
