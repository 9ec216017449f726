/**
 * The proxy sign-in dialog's three calls (src/shared/proxyLogin.ts), answered
 * only for the dialog's own window, main frame, showing our page. The Intake
 * window cannot call them, and the dialog cannot call Intake's.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { toDisposable, type Disposable } from '../../core/base/lifecycle';
import type { Logger } from '../../core/base/logger';
import { PROXY_LOGIN_CHANNELS } from '../../shared/proxyLogin';
import type { ProxyLoginDialog } from '../window/proxyLoginDialog';
import { createSenderGuard } from './senderGuard';

export function registerProxyLoginChannel(dialog: ProxyLoginDialog, options: { devServerUrl: string | null; logger: Logger }): Disposable {
  const fromDialog = createSenderGuard(() => dialog.window, { devServerUrl: options.devServerUrl });
  const guarded =
    <T>(answer: (event: IpcMainInvokeEvent, payload: unknown) => T) =>
    (event: IpcMainInvokeEvent, payload: unknown): T | null => {
      if (fromDialog(event)) return answer(event, payload);
      // Never log the payload: it may hold a password.
      options.logger.warn('Proxy sign-in call refused: not from the sign-in dialog');
      return null;
    };
  ipcMain.handle(PROXY_LOGIN_CHANNELS.details, guarded(() => dialog.details()));
  ipcMain.handle(PROXY_LOGIN_CHANNELS.submit, guarded((_event, answer) => dialog.submit(answer)));
  ipcMain.handle(PROXY_LOGIN_CHANNELS.cancel, guarded(() => dialog.cancel()));
  return toDisposable(() => {
    for (const channel of Object.values(PROXY_LOGIN_CHANNELS)) ipcMain.removeHandler(channel);
  });
}
