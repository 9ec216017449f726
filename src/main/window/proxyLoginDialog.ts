/**
 * The proxy sign-in dialog: a small window of main's own (modal to the Intake
 * window when it is open) with its own preload, so the credentials go from the
 * dialog to main and never through the Intake page. One dialog at a time;
 * closing it is Cancel. The decision when to ask is core's (ProxyLogin).
 */
import { BrowserWindow } from 'electron';
import type { Logger } from '../../core/base/logger';
import type { ProxyCredentials } from '../../core/network/network';
import type { ProxyLoginRequest } from '../../core/network/proxyLogin';
import { proxyLoginAnswerProblem, type ProxyLoginDetails } from '../../shared/proxyLogin';

export interface ProxyLoginDialogOptions {
  preloadPath: string;
  /** app://intake/proxyLogin.html, or the dev server's page. */
  pageUrl: string;
  /** The Intake window, when open: the dialog is modal to it. */
  parent: () => BrowserWindow | null;
  logger: Logger;
}

interface Open {
  window: BrowserWindow;
  request: ProxyLoginRequest;
  resolve: (answer: ProxyCredentials | null) => void;
}

export class ProxyLoginDialog {
  private open: Open | null = null;

  constructor(private readonly options: ProxyLoginDialogOptions) {}

  /** The dialog's window while it is open (its sender check). */
  get window(): BrowserWindow | null {
    return this.open && !this.open.window.isDestroyed() ? this.open.window : null;
  }

  ask(request: ProxyLoginRequest): Promise<ProxyCredentials | null> {
    if (this.open) return Promise.resolve(null);
    const parent = this.options.parent();
    const window = new BrowserWindow({
      width: 440,
      height: 340,
      resizable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      show: false,
      title: 'Proxy sign-in — Intake',
      ...(parent ? { parent, modal: true } : {}),
      // The same switches as the Intake window, written out: the security scan (electronegativity)
      // reads them from each `new BrowserWindow` literally.
      webPreferences: {
        // eng-disable PRELOAD_JS_CHECK — reviewed: our own preload, exposing only window.proxyLogin
        // (src/shared/proxyLogin.ts) with contextIsolation + sandbox; see electronegativity.config.json.
        preload: this.options.preloadPath,
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
        disableBlinkFeatures: 'Auxclick',
      },
    });
    // Navigation, new windows and permissions are denied for every web contents (bootstrap.ts).
    return new Promise((resolve) => {
      this.open = { window, request, resolve };
      window.on('closed', () => this.finish(window, null));
      window.loadURL(this.options.pageUrl).then(
        () => window.show(),
        (error: unknown) => {
          this.options.logger.error('The proxy sign-in dialog failed to load', { error: (error as Error)?.name });
          window.close();
          this.finish(window, null);
        },
      );
    });
  }

  details(): ProxyLoginDetails | null {
    return this.open ? { proxy: this.open.request.proxy, refused: this.open.request.refused } : null;
  }

  /** The user's answer: null when taken (the window closes), else what is wrong with it. */
  submit(answer: unknown): string | null {
    const open = this.open;
    if (!open) return 'The sign-in is no longer asked for.';
    const problem = proxyLoginAnswerProblem(answer);
    if (problem !== null) return problem;
    const { username, password } = answer as ProxyCredentials;
    this.finish(open.window, { username: username.trim(), password });
    open.window.close();
    return null;
  }

  cancel(): void {
    const open = this.open;
    if (!open) return;
    this.finish(open.window, null);
    open.window.close();
  }

  private finish(window: BrowserWindow, answer: ProxyCredentials | null): void {
    const open = this.open;
    if (!open || open.window !== window) return;
    this.open = null;
    open.resolve(answer);
  }
}
