/**
 * Message endpoints over Node's own channels: a child process's IPC channel
 * (either end; fork it with `serialization: 'advanced'`, which structured-clones
 * like Electron's ports) and a worker_threads MessagePort. Electron's
 * utilityProcess and parentPort have their own adapters in main.
 */
import type { ChildProcess } from 'node:child_process';
import type { MessagePort } from 'node:worker_threads';
import { toDisposable, type Disposable } from '../base/lifecycle';
import type { MessageEndpoint, PeerMessage } from './rpcPeer';

type IpcProcess = Pick<ChildProcess, 'send' | 'on' | 'off' | 'disconnect'> & { readonly connected: boolean };

/** The parent's end (a ChildProcess) or the child's own (`process`). */
export function processEndpoint(proc: IpcProcess | NodeJS.Process): MessageEndpoint {
  const target = proc as IpcProcess;
  return {
    post: (message) => {
      if (target.connected) target.send(message);
    },
    onMessage: (listener) => subscribe(target, 'message', (message: unknown) => listener(message as PeerMessage)),
    onClose: (listener) => subscribe(target, 'disconnect', () => listener('the channel was disconnected')),
    close: () => {
      if (target.connected) target.disconnect();
    },
  };
}

/** One end of a worker_threads MessageChannel. */
export function workerPortEndpoint(port: MessagePort): MessageEndpoint {
  return {
    post: (message) => port.postMessage(message),
    onMessage: (listener) => subscribe(port, 'message', (message: unknown) => listener(message as PeerMessage)),
    onClose: (listener) => subscribe(port, 'close', () => listener('the port was closed')),
    close: () => port.close(),
  };
}

function subscribe<A extends unknown[]>(
  emitter: { on(event: string, fn: (...args: A) => void): unknown; off(event: string, fn: (...args: A) => void): unknown },
  event: string,
  fn: (...args: A) => void,
): Disposable {
  emitter.on(event, fn);
  return toDisposable(() => emitter.off(event, fn));
}
