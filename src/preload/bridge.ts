/**
 * Builds `window.intake` from the contract's list: one generic invoke per
 * call, so a new call in src/shared/ipc.ts appears here without an edit.
 * The page never sees ipcRenderer, an IpcRendererEvent or `process`.
 */
import type { IpcRenderer, IpcRendererEvent, WebUtils } from 'electron';
import { DROPPED_PATH_CHANNEL, IPC_CALL_NAMES, IPC_EVENT_NAMES, ipcChannel, type IntakeBridge, type IpcEventName, type IpcEvents } from '../shared/ipc';

export function createIntakeBridge(ipcRenderer: Pick<IpcRenderer, 'invoke' | 'send' | 'on' | 'removeListener'>, webUtils: Pick<WebUtils, 'getPathForFile'>): IntakeBridge {
  const calls: Record<string, (input?: unknown) => Promise<unknown>> = {};
  for (const name of IPC_CALL_NAMES) {
    // Exactly one argument always: main refuses anything else.
    calls[name] = (input?: unknown) => ipcRenderer.invoke(ipcChannel(name), input);
  }
  const on = <E extends IpcEventName>(event: E, listener: (payload: IpcEvents[E]) => void): (() => void) => {
    if (!(IPC_EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`Unknown Intake event "${String(event)}".`);
    if (typeof listener !== 'function') throw new Error('Intake event listener must be a function.');
    const channel = ipcChannel(event);
    const forward = (_event: IpcRendererEvent, payload: IpcEvents[E]) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  };
  const pathForFile = (file: File): string => {
    let path: string;
    try {
      path = webUtils.getPathForFile(file);
    } catch {
      return ''; // not a File from a drop or a picker: it has no path
    }
    // Only a real File the user dropped has a path: main learns it from here, never from page code.
    // Sent on the same pipe before the page's next call, so main has it when asked to read it.
    if (path) ipcRenderer.send(DROPPED_PATH_CHANNEL, path);
    return path;
  };
  return { ...calls, pathForFile, on } as IntakeBridge;
}
