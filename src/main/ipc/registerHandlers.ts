/**
 * Registers one ipcMain handler per call of the contract (src/shared/ipc.ts),
 * each answered through the gate (ipcGate.ts).
 */
import { ipcMain, type IpcMainEvent } from 'electron';
import { toDisposable, type Disposable } from '../../core/base/lifecycle';
import { DROPPED_PATH_CHANNEL, IPC_CALL_NAMES, ipcChannel } from '../../shared/ipc';
import { handleCall, type GateOptions } from './ipcGate';

export type { IpcHandlers } from './ipcGate';
export interface RegisterOptions extends GateOptions {
  /** The preload's report of a File the user dropped (from our window only). */
  onDroppedPath: (path: string) => void;
}

/** Disposing the result removes every handler again. */
export function registerHandlers(options: RegisterOptions): Disposable {
  for (const name of IPC_CALL_NAMES) {
    ipcMain.handle(ipcChannel(name), (event, ...args: unknown[]) => handleCall(name, event, args, options));
  }
  const onDropped = (event: IpcMainEvent, path: unknown): void => {
    if (!options.isTrustedSender(event) || typeof path !== 'string' || path.length > 4096) {
      options.logger.warn('Dropped-file report refused: not from our window or not a path');
      return;
    }
    options.onDroppedPath(path);
  };
  ipcMain.on(DROPPED_PATH_CHANNEL, onDropped);
  return toDisposable(() => {
    for (const name of IPC_CALL_NAMES) ipcMain.removeHandler(ipcChannel(name));
    ipcMain.removeListener(DROPPED_PATH_CHANNEL, onDropped);
  });
}
