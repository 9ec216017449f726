/**
 * The one place main sends an event to the renderer: typed by the contract
 * (src/shared/ipc.ts), so a misspelt channel or a wrong payload does not
 * compile. A lint rule forbids raw `webContents.send` everywhere else.
 */
import type { WebContents } from 'electron';
import { ipcChannel, type IpcEventName, type IpcEvents } from '../../shared/ipc';

export function sendToRenderer<E extends IpcEventName>(contents: Pick<WebContents, 'send'>, event: E, payload: IpcEvents[E]): void {
  contents.send(ipcChannel(event), payload);
}
