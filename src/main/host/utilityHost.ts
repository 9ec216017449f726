/**
 * The core's own process in the app: Electron's utilityProcess running
 * coreHost.ts (the engine, core/host/engineHost.ts), reached over its
 * parentPort channel. Main's end of it as a MessageEndpoint for RemoteEngine.
 */
import { utilityProcess, type UtilityProcess } from 'electron';
import { toDisposable } from '../../core/base/lifecycle';
import type { Logger } from '../../core/base/logger';
import type { MessageEndpoint, PeerMessage } from '../../core/host/rpcPeer';

/** How long a closing core process may take after its engine ended before it is killed. */
const EXIT_GRACE_MS = 5_000;

export function openUtilityHost(modulePath: string, logger: Logger): MessageEndpoint {
  const child: UtilityProcess = utilityProcess.fork(modulePath, [], { serviceName: 'Intake core', stdio: 'inherit' });
  let exited = false;
  child.once('exit', (code) => {
    exited = true;
    if (code !== 0) logger.warn('the core process exited', { code });
  });
  return {
    post: (message) => {
      if (!exited) child.postMessage(message);
    },
    onMessage: (listener) => {
      const on = (message: unknown) => listener(message as PeerMessage);
      child.on('message', on);
      return toDisposable(() => child.off('message', on));
    },
    onClose: (listener) => {
      const on = (code: number) => listener(`the core process exited with code ${code}`);
      child.on('exit', on);
      return toDisposable(() => child.off('exit', on));
    },
    close: () => {
      if (exited) return;
      // The host ends itself once its engine is disposed; a stuck one is ended here.
      setTimeout(() => exited || child.kill(), EXIT_GRACE_MS).unref();
    },
  };
}
