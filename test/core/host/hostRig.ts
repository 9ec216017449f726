/**
 * The core "process" in this one, for RemoteEngine tests: each connect() starts
 * a host (serveEngine) on one end of a worker MessageChannel and gives main the
 * other end. Closing a host's port is that process dying.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { onTestFinished } from 'vitest';
import { serveEngine, type EngineHostDeps } from '../../../src/core/host/engineHost';
import { workerPortEndpoint } from '../../../src/core/host/nodeEndpoints';
import { RpcPeer } from '../../../src/core/host/rpcPeer';
import { createJournalQueueStore } from '../../../src/core/persistence/journalQueueStore';

/**
 * `deps` for every host, or per host (0 = the first, 1 = the first restart...). `hostPorts` are the host ends so far;
 * the hosts end with the test.
 */
export function inProcessHosts(deps: Partial<EngineHostDeps> | ((index: number) => Partial<EngineHostDeps>) = {}) {
  const hostPorts: MessagePort[] = [];
  const connect = () => {
    const { port1, port2 } = new MessageChannel();
    const peer = new RpcPeer(workerPortEndpoint(port1));
    const host = serveEngine(peer, {
      startDemoServer: () => Promise.reject(new Error('no demo here')),
      openQueueStore: (dir, legacy) => createJournalQueueStore(dir, { ...(legacy && { legacy }) }),
      ...(typeof deps === 'function' ? deps(hostPorts.length) : deps),
    });
    onTestFinished(() => (host.dispose(), peer.dispose()));
    hostPorts.push(port1);
    return workerPortEndpoint(port2);
  };
  return { connect, hostPorts };
}

/** A logger that keeps every message with its level (the host's log records reach main's logger). */
export function recordingLogger() {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, ...(fields && { fields }) });
  return { lines, messages: () => lines.map((l) => l.message), logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}
