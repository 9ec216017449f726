/**
 * A handler's way to answer with a typed error instead of throwing across IPC.
 * Anything else a handler throws becomes `internal` with a generic message
 * (its text might hold a path or a chart number).
 */
import type { IpcError } from '../../shared/ipc';

export class IpcFailure extends Error {
  constructor(
    readonly code: IpcError['code'],
    message: string,
  ) {
    super(message);
    this.name = 'IpcFailure';
  }
}
