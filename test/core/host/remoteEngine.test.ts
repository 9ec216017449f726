/**
 * The engine in its own process, as main sees it (RemoteEngine), against the
 * real reference server, over a worker MessageChannel (what Electron's
 * MessagePort stands in for; coreHostProcess.test.ts runs the real host entry
 * as a child process). Same interface as the engine in one process: the
 * mirror holds what a call changed when it resolves, the page's batches
 * replay to the mirror's state, errors keep their class, and a core that
 * keeps dying is given up on, and main told.
 */
import { useCleanups } from '../../support/cleanups';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { serveEngine } from '../../../src/core/host/engineHost';
import type { HostedEngineConfig } from '../../../src/core/host/engineProtocol';
import { hostedConfig, pageCopyOf } from '../../support/coreHostProcess';
import { RemoteEngine, RESTART_LIMIT } from '../../../src/core/host/RemoteEngine';
import { HostGoneError, RpcPeer } from '../../../src/core/host/rpcPeer';
import { QueueInputError } from '../../../src/core/queue/types';
import { appNetwork } from '../../../src/core/network/appNetwork';
import { silentLogger } from '../../../src/core/base/logger';
import { sampleJob } from '../../support/sampleJob';
import { PERSISTED_QUEUE_VERSION } from '../../../src/core/persistence/persistedQueue';
import { startServer } from '../../support/referenceServer';
import { waitFor } from '../queue/waitFor';
import { inProcessHosts } from './hostRig';

const { defer, tempDir } = useCleanups('intake-remote-engine-');

const config = hostedConfig;

/** The page's copy, dropped with the test. */
function pageCopy(engine: RemoteEngine) {
  const page = pageCopyOf(engine);
  defer(() => page.dispose());
  return page;
}

describe('RemoteEngine over a MessageChannel', () => {
  async function open(overrides: Partial<HostedEngineConfig> = {}, extra: Partial<Parameters<typeof RemoteEngine.open>[0]> = {}) {
    const server = await startServer({ phaseMs: 20 });
    const dir = await tempDir();
    const { connect } = inProcessHosts();
    const engine = await RemoteEngine.open({ connect, config: config(server.url, join(dir.path, 'queue'), overrides), logger: silentLogger, resolveProxy: async () => 'DIRECT', ...extra });
    defer(() => engine.dispose());
    return { server, dir, engine };
  }

  it('follows a job to completed: the mirror holds it when enqueue resolves, and the page replay ends at the mirror', async () => {
    const { engine, dir } = await open();
    const page = pageCopy(engine);
    await engine.start();
    page.load();
      await waitFor(() => engine.connection.state.state === 'connected', 'connected');
    const job = await engine.queue.enqueue({ chartNumber: 'R-1', files: [await dir.pdf('a.pdf')] });
    expect(engine.queue.get(job.id)).toBeDefined();
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'completed in the mirror');
    expect(engine.queue.get(job.id)).toMatchObject({ chartNumber: 'R-1', server: { status: 'completed' } });
    await waitFor(() => page.jobs.get(job.id)?.stage === 'completed', 'completed on the page');
    expect(page.jobs.get(job.id)).toEqual(engine.queue.get(job.id));
    expect(engine.server).toMatchObject({ demo: false, dialect: { name: 'intake' } });
    expect(engine.server).not.toHaveProperty('network');
  });

  it('refused input keeps its class and code; enqueueMany answers each input', async () => {
    const { engine, dir } = await open();
    await engine.start();
    const refused = await engine.queue.enqueue({ chartNumber: 'R-2', files: [join(dir.path, 'missing.pdf')] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QueueInputError);
    expect((refused as QueueInputError).code).toBe('invalid_files');
    expect((refused as QueueInputError).rejected.length).toBe(1);
    const results = await engine.queue.enqueueMany([
      { chartNumber: 'R-3', files: [await dir.pdf('b.pdf')] },
      { chartNumber: 'R-4', files: [join(dir.path, 'gone.pdf')] },
    ]);
    expect(results[0]).toMatchObject({ ok: true });
    expect(results[1]!.ok).toBe(false);
    if (!results[1]!.ok) expect(results[1]!.error).toBeInstanceOf(QueueInputError);
    if (!results[1]!.ok) expect(results[1]!.error).toMatchObject({ code: 'invalid_files', message: expect.any(String), rejected: [expect.objectContaining({ path: join(dir.path, 'gone.pdf') })] });
    expect(engine.queue.snapshot().map((job) => job.chartNumber)).toEqual(['R-3']);
  });

  it('pause, clear finished and a server switch travel to the engine and back', async () => {
    const { engine, dir } = await open();
    await engine.start();
    engine.queue.pauseAll();
    expect(engine.queue.paused).toBe(true);
    const job = await engine.queue.enqueue({ chartNumber: 'R-5', files: [await dir.pdf('c.pdf')] });
    expect(engine.queue.get(job.id)?.stage).toBe('queued');
    engine.queue.resumeAll();
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'completed after resume');
    expect(await engine.queue.clearFinished()).toBe(1);
    expect(engine.queue.snapshot()).toEqual([]);
    const other = await startServer({ phaseMs: 20 });
    const servers: string[] = [];
    engine.onServer((server) => servers.push(server.baseUrl));
    await engine.configure({ serverUrl: other.url, webSocketUrl: null, uploadConcurrency: 2, historySize: 100, hotFolder: { path: null, enabled: false }, chartNumberPattern: null, chartNumbersInNotifications: false } as never, new Set(['serverUrl']));
    expect(servers).toEqual([engine.server.baseUrl]);
    expect(engine.server.baseUrl).toContain(new URL(other.url).host);
  });

  it('a network that cannot be built is refused and the previous one stays', async () => {
    const { engine, dir } = await open();
    await engine.start();
    await expect(engine.setNetwork({ settings: { proxyMode: 'none', proxyUrl: null, proxyBypass: '', caFile: join(dir.path, 'no-ca.pem') }, login: null })).rejects.toThrow(/CA|certificate|no-ca/i);
    const job = await engine.queue.enqueue({ chartNumber: 'R-6', files: [await dir.pdf('d.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'completed with the previous network');
  });
  it("the System proxy mode asks main's session for each URL's proxy", async () => {
    const asked: string[] = [];
    const { engine, dir, server } = await open(
      { network: { settings: { proxyMode: 'system', proxyUrl: null, proxyBypass: '', caFile: null }, login: null } },
      { resolveProxy: async (url) => (asked.push(url), 'DIRECT') },
    );
    await engine.start();
    const job = await engine.queue.enqueue({ chartNumber: 'R-7', files: [await dir.pdf('e.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'completed through the System proxy decision');
    expect(asked.some((url) => url.startsWith(new URL(server.url).origin))).toBe(true);
  });

  it("an older version's queue that main holds is migrated into the host's journal, then retired", async () => {
    const saved = sampleJob({ id: 'old-1', chartNumber: 'OLD-1', stage: 'completed' });
    let retired = 0;
    const { engine } = await open(
      { legacyQueue: true },
      { legacyQueue: { load: async () => ({ version: PERSISTED_QUEUE_VERSION, jobs: [saved], paused: false }), retire: async () => void retired++, drainWarnings: () => [] } },
    );
    await engine.start();
    expect(engine.queue.get('old-1')).toMatchObject({ chartNumber: 'OLD-1', stage: 'completed' });
    expect(retired).toBe(1);
  });
});

describe('RemoteEngine: every call reaches the engine and its answer comes back', () => {
  async function open(serverOptions: Parameters<typeof startServer>[0] = { phaseMs: 20 }, overrides: Partial<HostedEngineConfig> = {}) {
    const server = await startServer(serverOptions);
    const dir = await tempDir();
    const { connect } = inProcessHosts();
    const logged: string[] = [];
    const logger = { debug() {}, info: (m: string) => void logged.push(m), warn: (m: string) => void logged.push(m), error: (m: string) => void logged.push(m) };
    const engine = await RemoteEngine.open({ connect, config: config(server.url, join(dir.path, 'queue'), overrides), logger, resolveProxy: async () => 'DIRECT' });
    defer(() => engine.dispose());
    await engine.start();
    return { server, dir, engine, logged };
  }

  it('inspect, results, refile, retry, remove and cancel', async () => {
    const { engine, dir } = await open({ phaseMs: 20 });
    const file = await dir.pdf('a.pdf', { pages: 2 });
    const inspection = await engine.queue.inspect([file, join(dir.path, 'none.pdf')]);
    expect(inspection.accepted.map((f) => f.path)).toEqual([file]);
    expect(inspection.rejected).toHaveLength(1);

    const done = await engine.queue.enqueue({ chartNumber: 'K-1', files: [file] });
    await waitFor(() => engine.queue.get(done.id)?.stage === 'completed', 'completed');
    expect(await engine.queue.getResults(done.id)).toBeTruthy();
    engine.queue.pauseAll();
    const waiting = await engine.queue.enqueue({ chartNumber: 'K-1', files: [file] });
    const refiled = await engine.queue.refile(waiting.id, 'K-2');
    expect(refiled.chartNumber).toBe('K-2');
    expect(engine.queue.get(refiled.id)?.chartNumber).toBe('K-2');

    engine.queue.remove(done.id);
    await waitFor(() => engine.queue.get(done.id) === undefined, 'removed from the mirror');
  });

  it('cancel reaches the server; retry sends a failed job again', async () => {
    const slow = await open({ phaseMs: 60_000 });
    const job = await slow.engine.queue.enqueue({ chartNumber: 'K-3', files: [await slow.dir.pdf('c.pdf')] });
    await waitFor(() => slow.engine.queue.get(job.id)?.stage === 'tracking', 'uploaded');
    await slow.engine.queue.cancel(job.id);
    await waitFor(() => slow.engine.queue.get(job.id)?.stage === 'cancelled', 'cancelled');
    expect(slow.server.jobs()[0]).toMatchObject({ status: 'cancelled' });

    const failing = await open({ phaseMs: 10, failRate: 1, maxAttempts: 1 });
    const bad = await failing.engine.queue.enqueue({ chartNumber: 'K-4', files: [await failing.dir.pdf('f.pdf')] });
    await waitFor(() => failing.engine.queue.get(bad.id)?.stage === 'failed', 'failed for good');
    failing.engine.queue.retry(bad.id);
    await waitFor(() => failing.engine.queue.get(bad.id)?.stage !== 'failed', 'sent again');
  });

  it('the history size reaches the queue', async () => {
    const { engine, dir } = await open({ phaseMs: 5 });
    engine.queue.setHistorySize(1);
    const files = [await dir.pdf('1.pdf'), await dir.pdf('2.pdf'), await dir.pdf('3.pdf')];
    const jobs = await Promise.all(files.map((file, i) => engine.queue.enqueue({ chartNumber: `H-${i}`, files: [file] })));
    await waitFor(() => engine.queue.snapshot().filter((j) => j.stage === 'completed').length === 1 && engine.queue.snapshot().length === 1, 'one finished job kept');
    expect(jobs.map((job) => job.id)).toContain(engine.queue.snapshot()[0]!.id);
  });

  it('a token set later reaches the connection; a refused one shows as auth_failed', async () => {
    const { engine } = await open({ phaseMs: 20, token: 'the-token' });
    await waitFor(() => engine.connection.state.state === 'auth_failed', 'refused without a token');
    engine.setToken('the-token');
    await waitFor(() => engine.connection.state.state === 'connected', 'connected with the token');
    expect(engine.server.token).toBe('the-token');
  });

  it('the connection check runs in the engine; notifications, warnings and the engine log reach main', async () => {
    const { engine, dir, logged } = await open({ phaseMs: 10 });
    const checks = await engine.checkConnection();
    expect(checks.map((c) => `${c.name}:${c.outcome}`)).toContain('HTTP:ok');
    const decisions: string[] = [];
    engine.onNotification((d) => decisions.push(d.kind));
    const job = await engine.queue.enqueue({ chartNumber: 'N-1', files: [await dir.pdf('n.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'completed');
    await waitFor(() => decisions.includes('completed'), 'a notification decision');
    expect(logged).toContain('queue loaded');
    engine.connection.nudge();
    await engine.dispose();
    await expect(engine.queue.enqueue({ chartNumber: 'N-2', files: [await dir.pdf('m.pdf')] })).rejects.toBeInstanceOf(HostGoneError);
  });

  it("a warning from loading the saved queue reaches main's listeners", async () => {
    const warnings: string[] = [];
    const server = await startServer({ phaseMs: 20 });
    const dir = await tempDir();
    const { connect } = inProcessHosts();
    const engine = await RemoteEngine.open({
      connect,
      config: config(server.url, join(dir.path, 'queue'), { legacyQueue: true }),
      logger: silentLogger,
      resolveProxy: async () => 'DIRECT',
      legacyQueue: { load: async () => ({ version: PERSISTED_QUEUE_VERSION, jobs: [], paused: false }), retire: async () => undefined, drainWarnings: () => ['The saved queue had 1 damaged job; it was left out.'] },
    });
    defer(() => engine.dispose());
    engine.queue.onEvent((event) => event.type === 'warning' && warnings.push(event.message));
    await engine.start();
    expect(warnings).toContain('The saved queue had 1 damaged job; it was left out.');
  });
});

describe('the core process side (engineHost)', () => {
  function hostPair(deps: Partial<Parameters<typeof serveEngine>[1]> = {}) {
    const main = new RpcPeer(inProcessHosts(deps).connect());
    defer(() => main.dispose());
    return { main };
  }

  it('refuses calls before the engine is open, and a second open', async () => {
    const server = await startServer({ phaseMs: 20 });
    const dir = await tempDir();
    const { main } = hostPair();
    await expect(main.call('queue.enqueue', { chartNumber: 'X-1', files: [] })).rejects.toThrow('the engine is not open');
    const logs: string[] = [];
    main.on<{ message: string }>('log', (record) => logs.push(record.message));
    await main.call('open', config(server.url, join(dir.path, 'queue'), { network: { settings: { proxyMode: 'none', proxyUrl: null, proxyBypass: '', caFile: join(dir.path, 'gone-ca.pem') }, login: null } }));
    // A custom CA file gone since it was set: the engine opens with the OS store and Node's roots, and says so.
    expect(logs).toContain('the custom CA file cannot be used');
    await expect(main.call('open', config(server.url, join(dir.path, 'queue')))).rejects.toThrow('the engine is already open');
    await main.call('dispose');
  });

  it("when main's end of the channel closes, the engine is ended and the process may exit", async () => {
    const server = await startServer({ phaseMs: 20 });
    const dir = await tempDir();
    let disposed = 0;
    const { main } = hostPair({ onDisposed: () => void (disposed += 1) });
    await main.call('open', config(server.url, join(dir.path, 'queue')));
    await main.call('start');
    main.dispose();
    await waitFor(() => disposed === 1, 'the host ended its engine');
  });

  it("when main's end closes while the engine is opening, the engine that opens is ended and the process may exit", async () => {
    const server = await startServer({ phaseMs: 20 });
    const dir = await tempDir();
    let disposed = 0;
    let networkAsked!: () => void;
    const asked = new Promise<void>((resolve) => (networkAsked = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { main } = hostPair({
      onDisposed: () => void (disposed += 1),
      buildNetwork: async (settings, deps) => (networkAsked(), await released, appNetwork(settings, deps)),
    });
    const opened = main.call('open', config(server.url, join(dir.path, 'queue')));
    opened.catch(() => undefined);
    await asked;
    main.dispose();
    release();
    await waitFor(() => disposed === 1, 'the host ended the engine it was opening');
    await expect(opened).rejects.toThrow();
  });
});

describe('a restarted core process opens what was in use', () => {
  it('the server, token and network chosen since the first start; a dispose during a restart binds nothing', async () => {
    const first = await startServer({ phaseMs: 20 });
    const second = await startServer({ phaseMs: 20, token: 'tok' });
    const dir = await tempDir();
    const { connect, hostPorts } = inProcessHosts();
    let runningAgain = 0;
    const logger = { ...silentLogger, info: (message: string) => void (message === 'the core process runs again' && (runningAgain += 1)) };
    const engine = await RemoteEngine.open({ connect, config: config(first.url, join(dir.path, 'queue')), logger, resolveProxy: async () => 'DIRECT', now: () => 5 });
    await engine.start();
    const settings = { serverUrl: second.url, webSocketUrl: null, uploadConcurrency: 2, historySize: 100, hotFolder: { path: null, enabled: false }, chartNumberPattern: null, chartNumbersInNotifications: false };
    await engine.configure(settings as never, new Set(['serverUrl']));
    engine.setToken('tok');
    await engine.setNetwork({ settings: { proxyMode: 'none', proxyUrl: null, proxyBypass: '', caFile: null }, login: null });
    await waitFor(() => engine.connection.state.state === 'connected', 'connected to the second server');

    const servers: string[] = [];
    engine.onServer((server) => servers.push(server.baseUrl));
    hostPorts[0]!.close();
    await waitFor(() => runningAgain === 1, 'started again');
    expect(servers.at(-1)).toContain(new URL(second.url).host);
    expect(engine.server).toMatchObject({ token: 'tok' });
    await waitFor(() => engine.connection.state.state === 'connected', 'connected again, with the token');
    const job = await engine.queue.enqueue({ chartNumber: 'S-2', files: [await dir.pdf('s.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'completed at the second server');
    expect(second.jobs()).toHaveLength(1);
    expect(first.jobs()).toHaveLength(0);

    hostPorts[1]!.close();
    await engine.dispose();
    expect(runningAgain).toBe(1);
  });
});

describe('a core process that keeps dying', () => {
  it(`is started again ${RESTART_LIMIT} times within a minute, then main is told, and calls fail with HostGoneError`, async () => {
    const server = await startServer({ phaseMs: 20 });
    const dir = await tempDir();
    const { connect, hostPorts } = inProcessHosts();
    const lost: string[] = [];
    let runningAgain = 0;
    const logger = { ...silentLogger, info: (message: string) => void (message === 'the core process runs again' && (runningAgain += 1)) };
    const engine = await RemoteEngine.open({ connect, config: config(server.url, join(dir.path, 'queue')), logger, resolveProxy: async () => 'DIRECT', onHostLost: (r) => lost.push(r), now: () => 1_000 });
    defer(() => engine.dispose());
    await engine.start();
    const job = await engine.queue.enqueue({ chartNumber: 'D-1', files: [await dir.pdf('d.pdf')] });
    for (let death = 1; death <= RESTART_LIMIT; death += 1) {
      hostPorts.at(-1)!.close();
      await waitFor(() => runningAgain === death, `restart ${death}`);
      expect(hostPorts).toHaveLength(death + 1);
      expect(engine.queue.get(job.id)).toBeDefined();
    }
    expect(lost).toEqual([]);
    hostPorts.at(-1)!.close();
    await waitFor(() => lost.length === 1, 'main told after the limit');
    expect(hostPorts).toHaveLength(RESTART_LIMIT + 1);
    await expect(engine.queue.enqueue({ chartNumber: 'D-2', files: [await dir.pdf('e.pdf')] })).rejects.toBeInstanceOf(HostGoneError);
  });
});
