/**
 * The core's own process as tests and the bench run it: the app's host entry
 * (src/main/host/coreHost.ts) bundled once like the app's build, started as a
 * Node child process with an IPC channel (the stand-in for Electron's
 * utilityProcess), and main's RemoteEngine on the other end.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { silentLogger } from '../../src/core/base/logger';
import type { HostedEngineConfig } from '../../src/core/host/engineProtocol';
import { processEndpoint } from '../../src/core/host/nodeEndpoints';
import { RemoteEngine, type RemoteEngineOptions } from '../../src/core/host/RemoteEngine';
import { resolveDeltas, type JobDelta } from '../../src/shared/jobDelta';
import type { QueueJob } from '../../src/shared/queueJob';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Bundles the host entry inside the project (its packages resolve from node_modules); returns the file and how to remove it. */
export async function bundleCoreHost(): Promise<{ entry: string; remove: () => Promise<void> }> {
  const entry = join(ROOT, 'node_modules/.cache/intake-tests', `coreHost-${process.pid}-${Date.now()}.mjs`);
  await build({ entryPoints: [join(ROOT, 'src/main/host/coreHost.ts')], outfile: entry, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent' });
  return { entry, remove: () => rm(entry, { force: true }) };
}

export function forkCoreHost(entry: string): ChildProcess {
  return fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'], cwd: ROOT });
}

/** A plain network (no proxy, Node's roots), no demo server, no hot folder, no legacy queue. */
export function hostedConfig(serverUrl: string, queueDir: string, overrides: Partial<HostedEngineConfig> = {}): HostedEngineConfig {
  return {
    choice: { serverUrl, webSocketUrl: null, token: null },
    network: { settings: { proxyMode: 'none', proxyUrl: null, proxyBypass: '', caFile: null }, login: null },
    queueDir,
    legacyQueue: false,
    demoDataDir: null,
    queue: { concurrency: 2, historySize: 100 },
    chartNumbersInNotifications: false,
    hotFolder: false,
    ...overrides,
  };
}

/** RemoteEngine over a forked host (forked again if it dies); `children` are the processes started so far. */
export async function openRemoteEngineInChild(
  entry: string,
  config: HostedEngineConfig,
  options: Partial<Omit<RemoteEngineOptions, 'connect' | 'config'>> = {},
): Promise<{ engine: RemoteEngine; children: ChildProcess[] }> {
  const children: ChildProcess[] = [];
  const connect = () => {
    const child = forkCoreHost(entry);
    children.push(child);
    return processEndpoint(child);
  };
  const engine = await RemoteEngine.open({ connect, config, logger: silentLogger, resolveProxy: async () => 'DIRECT', ...options });
  return { engine, children };
}

/** A page's copy of the jobs: the snapshot (load), then every batch replayed on it, as the renderer does. */
export function pageCopyOf(engine: Pick<RemoteEngine, 'onPageBatch' | 'queue'>) {
  const jobs = new Map<string, QueueJob>();
  const sub = engine.onPageBatch((deltas: JobDelta[]) => {
    for (const change of resolveDeltas(deltas, (id) => jobs.get(id))) {
      if (change.type === 'remove') jobs.delete(change.id);
      else jobs.set(change.job.id, change.job);
    }
  });
  return { jobs, load: () => engine.queue.snapshot().forEach((job) => jobs.set(job.id, job)), dispose: () => sub.dispose() };
}
