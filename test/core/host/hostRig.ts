/**
 * The core "process" in this one, for RemoteEngine tests: each connect() starts
 * a host (serveEngine) on one end of a worker MessageChannel and gives main the
 * other end. Closing a host's port is that process dying.
 */
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { onTestFinished } from 'vitest';
import { serveEngine, type EngineHostDeps } from '../../../src/core/host/engineHost';
import type { HostedEngineConfig } from '../../../src/core/host/engineProtocol';
import { RemoteEngine, type RemoteEngineOptions } from '../../../src/core/host/RemoteEngine';
import { workerPortEndpoint } from '../../../src/core/host/nodeEndpoints';
import { RpcPeer } from '../../../src/core/host/rpcPeer';
import { createJournalQueueStore } from '../../../src/core/persistence/journalQueueStore';
import { hostedConfig } from '../../support/coreHostProcess';
import { recordingLogger } from '../../support/recordingLogger';
import { makeTempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { waitFor } from '../queue/waitFor';

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
      // Notifications gathered for 50 ms, not 3 s: the tests that wait for one do not wait 3 s of real time.
      notificationWindowMs: 50,
      ...(typeof deps === 'function' ? deps(hostPorts.length) : deps),
    });
    onTestFinished(() => (host.dispose(), peer.dispose()));
    hostPorts.push(port1);
    return workerPortEndpoint(port2);
  };
  return { connect, hostPorts };
}

/** Settings as the shell passes them to configure (whole), for `serverUrl`. */
export function engineSettings(serverUrl: string) {
  return { serverUrl, webSocketUrl: null, uploadConcurrency: 2, historySize: 100, hotFolder: { path: null, enabled: false }, chartNumberPattern: null, chartNumbersInNotifications: false };
}

/**
 * A RemoteEngine over in-process hosts, against a reference server, its journal in a temp folder; `cleanup`
 * is given the engine's dispose and the folder's removal (to run before the hosts end with the test).
 * `runningAgain()` counts restarts that got as far as a started engine; `kill()` ends the current core and
 * resolves once main has a started one again.
 */
export async function openHostedEngine(
  cleanup: (step: () => Promise<void> | void) => void,
  options: { config?: Partial<HostedEngineConfig>; hostDeps?: Parameters<typeof inProcessHosts>[0]; engine?: Partial<RemoteEngineOptions> } = {},
) {
  const server = await startServer({ phaseMs: 10 });
  const dir = await makeTempDir('intake-hosted-engine-');
  cleanup(() => dir.remove());
  const { connect, hostPorts } = inProcessHosts(options.hostDeps);
  const log = recordingLogger();
  const engine = await RemoteEngine.open({
    connect,
    config: hostedConfig(server.url, join(dir.path, 'queue'), options.config),
    logger: log.logger,
    resolveProxy: async () => 'DIRECT',
    ...options.engine,
  });
  cleanup(() => engine.dispose());
  const runningAgain = () => log.messages().filter((m) => m === 'the core process runs again').length;
  const kill = async () => {
    const restarts = runningAgain();
    hostPorts.at(-1)!.close();
    await waitFor(() => runningAgain() === restarts + 1, `restart ${restarts + 1}`);
  };
  return { server, dir, engine, hostPorts, log, runningAgain, kill, settings: engineSettings(server.url) };
}
