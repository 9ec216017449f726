/**
 * The one Intake window: created with every security switch on, restored to
 * its last place when that place still exists, hidden (not closed) by the
 * close button so uploads and notifications go on from the tray.
 */
import { sendToRenderer } from '../ipc/sendToRenderer';
import { BrowserWindow, screen, type WebContents } from 'electron';
import type { Logger } from '../../core/base/logger';
import { APP_ORIGIN } from '../../core/desktop/senderPolicy';
import { MIN_WINDOW_SIZE, restorableBounds } from '../../core/desktop/windowBounds';
import { type IpcEventName, type IpcEvents } from '../../shared/ipc';

export interface MainWindowOptions {
  preloadPath: string;
  /** The Vite dev server in development; null loads app://intake/index.html. */
  devServerUrl: string | null;
  iconPath?: string;
  bounds: { load(): unknown; save(bounds: { x: number; y: number; width: number; height: number }): void };
  /** True once the user chose Quit: then close really closes. */
  isQuitting: () => boolean;
  /** Called each time the close button hid the window instead of quitting. */
  onHiddenToTray: () => void;
  /** Called when the window is shown or focused (failures count as seen). */
  onSeen: () => void;
  logger: Logger;
}

/** A renderer that keeps crashing is not reloaded forever: after this many, the window stays as it is. */
const MAX_CRASH_RELOADS = 3;

/** Events the renderer must not miss even if sent before it has loaded. */
const HELD_UNTIL_LOADED: ReadonlySet<IpcEventName> = new Set(['openFiles', 'focusJob', 'openSettings']);

export class MainWindowController {
  private current: BrowserWindow | null = null;
  private loaded = false;
  /** Events waiting for the page to load, each sent as it was given (typed when held). */
  private held: Array<(contents: WebContents) => void> = [];

  constructor(private readonly options: MainWindowOptions) {}

  get window(): BrowserWindow | null {
    return this.current && !this.current.isDestroyed() ? this.current : null;
  }

  /** Creates the window if needed, then shows and focuses it. */
  show(): BrowserWindow {
    const window = this.window ?? this.create();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    return window;
  }

  send<E extends IpcEventName>(event: E, payload: IpcEvents[E]): void {
    const window = this.window;
    const held = HELD_UNTIL_LOADED.has(event);
    // State events go out even while the page loads: its script subscribes and asks for a
    // snapshot before 'did-finish-load', and keeps deltas that arrive around that answer.
    // Holding them back until the load event would lose a change made in between.
    if (window && (this.loaded || !held)) sendToRenderer(window.webContents, event, payload);
    else if (held) this.held.push((contents) => sendToRenderer(contents, event, payload));
  }

  saveBounds(): void {
    const window = this.window;
    if (window && !window.isMinimized() && !window.isFullScreen()) this.options.bounds.save(window.getNormalBounds());
  }

  private create(): BrowserWindow {
    const { options } = this;
    const workAreas = screen.getAllDisplays().map((display) => display.workArea);
    const bounds = restorableBounds(options.bounds.load(), workAreas);
    const window = new BrowserWindow({
      ...(bounds ?? { width: 1100, height: 760 }),
      minWidth: MIN_WINDOW_SIZE.width,
      minHeight: MIN_WINDOW_SIZE.height,
      show: false,
      title: 'Intake',
      ...(options.iconPath ? { icon: options.iconPath } : {}),
      webPreferences: {
        // eng-disable PRELOAD_JS_CHECK — reviewed: our own preload, exposing only the typed bridge of
        // src/shared/ipc.ts (contextIsolation + sandbox). Recorded in electronegativity.config.json,
        // since bundling strips this comment from the scanned output.
        preload: options.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        safeDialogs: true,
        spellcheck: false,
        // Middle-click (auxclick) would open links in new windows; the UI has none to open.
        disableBlinkFeatures: 'Auxclick',
      },
    });
    this.current = window;
    this.loaded = false;
    // Navigation, window.open and permissions are denied for every web contents in bootstrap.ts.

    window.webContents.on('did-finish-load', () => {
      this.loaded = true;
      const held = this.held;
      this.held = [];
      for (const send of held) send(window.webContents);
    });
    window.webContents.on('did-start-loading', () => {
      this.loaded = false;
    });
    window.on('show', () => options.onSeen());
    window.on('focus', () => options.onSeen());
    window.on('close', (event) => {
      this.saveBounds();
      if (options.isQuitting()) return;
      event.preventDefault();
      window.hide();
      options.onHiddenToTray();
    });
    window.on('closed', () => {
      if (this.current === window) this.current = null;
    });

    const url = options.devServerUrl ?? `${APP_ORIGIN}/index.html`;
    // A crashed or killed renderer leaves a blank window; the queue lives in main, so a reload shows it all again.
    let crashReloads = 0;
    window.webContents.on('render-process-gone', (_event, details) => {
      options.logger.warn('The Intake window lost its renderer', { reason: details.reason, exitCode: details.exitCode });
      if (details.reason === 'clean-exit' || crashReloads >= MAX_CRASH_RELOADS || window.isDestroyed()) return;
      crashReloads += 1;
      window.loadURL(url).catch((error: unknown) => options.logger.error('The Intake window failed to reload its UI', { error: String((error as Error)?.message ?? error) }));
    });
    window.loadURL(url).catch((error: unknown) => options.logger.error('The Intake window failed to load its UI', { error: String((error as Error)?.message ?? error) }));
    return window;
  }
}
