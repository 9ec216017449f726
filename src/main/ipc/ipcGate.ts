/**
 * The gate every IPC call goes through: sender check, one plain-data
 * argument, schema validation, then the handler; every outcome is an
 * IpcResult. Nothing thrown here can cross the bridge or take main down.
 * Electron-free at run time, so the renderer's end-to-end bridge uses this
 * very gate.
 */
import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import type { Logger } from '../../core/base/logger';
import { plainDataProblem } from '../../core/desktop/plainData';
import { ipcCalls, type IpcCallInput, type IpcCallName, type IpcCallOutput, type IpcResult } from '../../shared/ipc';
import { HostGoneError } from '../../core/host/rpcPeer';
import { IpcFailure } from './ipcFailure';

/** A call that met the core's process down (it is being started again). */
export const HOST_DOWN_MESSAGE = 'The part of Intake that uploads and follows jobs is starting again. Try again in a moment.';

export type IpcHandlers = {
  [N in IpcCallName]: (input: IpcCallInput<N>) => Promise<IpcCallOutput<N>> | IpcCallOutput<N>;
};

export interface GateOptions {
  handlers: IpcHandlers;
  /** True only for our window's main frame showing our UI (see senderGuard.ts). */
  isTrustedSender: (event: IpcMainInvokeEvent | IpcMainEvent) => boolean;
  logger: Logger;
}

export async function handleCall<N extends IpcCallName>(
  name: N,
  event: IpcMainInvokeEvent,
  args: unknown[],
  { handlers, isTrustedSender, logger }: GateOptions,
): Promise<IpcResult<IpcCallOutput<N>>> {
  try {
    if (!isTrustedSender(event)) {
      logger.warn('IPC call refused: sender is not our window', { call: name });
      return fail('forbidden_sender', 'This call is accepted only from the Intake window.');
    }
    // The preload always sends exactly one argument (undefined for no input).
    if (args.length > 1) return fail('invalid_payload', `${name} takes one argument, got ${args.length}.`);
    const shape = plainDataProblem(args[0]);
    if (shape) return fail('invalid_payload', `${name}: input must be plain data, got ${shape}.`);
    const parsed = ipcCalls[name].input.safeParse(args[0]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(input)';
      // The issue path and message only: the payload itself may hold paths or chart numbers.
      return fail('invalid_payload', `${name}: ${where}: ${issue?.message ?? 'invalid input'}`);
    }
    const handler = handlers[name] as (input: unknown) => Promise<IpcCallOutput<N>> | IpcCallOutput<N>;
    const value = await handler(parsed.data);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof IpcFailure) return fail(error.code, error.message);
    if (error instanceof HostGoneError) {
      logger.warn('IPC call while the core process was down', { call: name });
      return fail('unavailable', HOST_DOWN_MESSAGE);
    }
    logger.error('IPC handler failed', { call: name, error: (error as Error)?.name ?? typeof error });
    return fail('internal', `Intake could not complete "${name}". Details are in the log.`);
  }
}

function fail(code: IpcFailure['code'], message: string): { ok: false; error: { code: IpcFailure['code']; message: string } } {
  return { ok: false, error: { code, message } };
}
