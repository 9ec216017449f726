/**
 * The sender check of every IPC handler: the message must come from the main
 * frame of our own window, and that frame must show our UI. A child frame or
 * a page the window was somehow navigated to is refused.
 */
import type { BrowserWindow, IpcMainEvent, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { isTrustedUiUrl, type TrustedOrigins } from '../../core/desktop/senderPolicy';

export function createSenderGuard(getWindow: () => BrowserWindow | null, origins: TrustedOrigins) {
  return (event: IpcMainInvokeEvent | IpcMainEvent): boolean => {
    const window = getWindow();
    if (!window || window.isDestroyed()) return false;
    const frame = event.senderFrame;
    if (!frame || event.sender !== window.webContents) return false;
    if (!isSameFrame(frame, window.webContents.mainFrame) || frame.parent !== null) return false;
    return isTrustedUiUrl(frame.url, origins);
  };
}

/** Frame wrappers are not guaranteed to be the same object each time: compare the frame's identity, not the wrapper. */
function isSameFrame(a: WebFrameMain, b: WebFrameMain): boolean {
  return a === b || (a.frameTreeNodeId === b.frameTreeNodeId && a.processId === b.processId && a.routingId === b.routingId);
}
