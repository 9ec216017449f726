/**
 * Registers one ipcMain handler per call of the contract (src/shared/ipc.ts),
 * each answered through the gate (ipcGate.ts).
 */
import { ipcMain } from 'electron';
import { toDisposable, type Disposable } from '../../core/base/lifecycle';
import { IPC_CALL_NAMES, ipcChannel } from '../../shared/ipc';
import { handleCall, type GateOptions } from './ipcGate';

export type { IpcHandlers } from './ipcGate';
export type RegisterOptions = GateOptions;

/** Disposing the result removes every handler again. */
export function registerHandlers(options: RegisterOptions): Disposable {
  for (const name of IPC_CALL_NAMES) {
    ipcMain.handle(ipcChannel(name), (event, ...args: unknown[]) => handleCall(name, event, args, options));
  }
  return toDisposable(() => {
    for (const name of IPC_CALL_NAMES) ipcMain.removeHandler(ipcChannel(name));
  });
}
