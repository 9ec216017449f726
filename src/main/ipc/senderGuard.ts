/**
 * The sender check of every IPC handler: the message must come from the main
 * frame of our own window, and that frame must show our UI. A child frame or
 * a page the window was somehow navigated to is refused.
 */
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { isTrustedUiUrl, type TrustedOrigins } from '../../core/desktop/senderPolicy';

export function createSenderGuard(getWindow: () => BrowserWindow | null, origins: TrustedOrigins) {
  return (event: IpcMainInvokeEvent): boolean => {
    const window = getWindow();
    if (!window || window.isDestroyed()) return false;
    const frame = event.senderFrame;
    if (!frame) return false;
    if (event.sender !== window.webContents) return false;
    if (frame !== window.webContents.mainFrame || frame.parent !== null) return false;
    return isTrustedUiUrl(frame.url, origins);
  };
}
