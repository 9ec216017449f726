/**
 * Entry of the core's own process: Electron's utilityProcess in the app
 * (main's end: utilityHost.ts), or a Node child process forked with an IPC
 * channel (the tests' stand-in). Runs the engine (core/host/engineHost.ts)
 * until main disposes it, then exits.
 */
import { constants, setPriority } from 'node:os';
import { toDisposable } from '../../core/base/lifecycle';
import { serveEngine } from '../../core/host/engineHost';
import { applyEngineV8Flags } from '../../core/host/engineV8Flags';
import { processEndpoint } from '../../core/host/nodeEndpoints';
import { RpcPeer, type MessageEndpoint, type PeerMessage } from '../../core/host/rpcPeer';
import { createJournalQueueStore } from '../../core/persistence/journalQueueStore';
import { startDemoServer } from '../demoServer';

/** Electron's parentPort: messages arrive as events with `data`; Electron ends this process with main. */
function parentPortEndpoint(port: Electron.ParentPort): MessageEndpoint {
  return {
    post: (message) => port.postMessage(message),
    onMessage: (listener) => {
      const on = (event: Electron.MessageEvent) => listener(event.data as PeerMessage);
      port.on('message', on);
      return toDisposable(() => port.off('message', on));
    },
    onClose: () => toDisposable(() => undefined),
    close: () => undefined,
  };
}

applyEngineV8Flags();

// Background work gives way to the window: when the machine is busy, main (IPC, the tray, the page's calls)
// gets the CPU first. Lowering one's own priority needs no privilege; where it is refused, nothing changes.
try {
  setPriority(constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // Keeps the priority it has.
}

const parentPort = (process as { parentPort?: Electron.ParentPort }).parentPort;
const endpoint = parentPort ? parentPortEndpoint(parentPort) : processEndpoint(process);
const peer = new RpcPeer(endpoint, {
  onError: (error) => process.stderr.write(`intake core: ${(error as Error)?.name ?? 'error'}\n`),
});
serveEngine(peer, {
  startDemoServer,
  openQueueStore: (dir, legacy, logger) => createJournalQueueStore(dir, { ...(legacy && { legacy }), logger }),
  onDisposed: () => process.exit(0),
});
