/**
 * The engine against the real reference server: one order of start and
 * dispose, one server-switch path (serialized, jobs the old backend still
 * processes end failed with the reason), one token path, the demo server's
 * lifetime, and nothing left behind after dispose (leak check).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IntakeEngine, type IntakeEngineOptions } from '../../../src/core/engine/IntakeEngine';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { createNetwork } from '../../../src/core/network/network';
import { startReferenceServer } from '../../../src/server/index';
import { makeTempDir, type TempDir } from '../../support/files';
import { ensureNoLeaks } from '../../support/leakCheck';
import { startServer } from '../../support/referenceServer';
import { FakeConnection, FakeQueue } from '../../main/fixtures/fakeCore';
import { waitFor } from '../queue/waitFor';

const leaks = ensureNoLeaks();
const dirs: TempDir[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => dir.remove()));
});

async function openEngine(options: Partial<IntakeEngineOptions> & Pick<IntakeEngineOptions, 'choice'>) {
  const dir = await makeTempDir('intake-engine-');
  dirs.push(dir);
  const engine = await IntakeEngine.open({
    store: createFileQueueStore(dir.path),
    queue: { timings: { retryBaseMs: 50, retryMaxMs: 200 } },
    connection: { timings: { backoffBaseMs: 50, backoffCapMs: 200, pollIntervalMs: 200 } },
    ...options,
  });
  return { engine, files: dir };
}

const choice = (serverUrl: string | null, token: string | null = null) => ({ serverUrl, webSocketUrl: null, token });

describe('IntakeEngine', () => {
  it('loads the queue, then connects; carries a job to completed; dispose leaves no listener or timer behind', async () => {
    const server = await startServer({ phaseMs: 10 });
    const { engine, files } = await openEngine({ choice: choice(server.url) });
    const order: string[] = [];
    const offState = engine.connection.onState((state) => order.push(`connection ${state.state}`));
    const offEvents = engine.queue.onEvent((event) => order.push(`queue ${event.type}`));
    await engine.start();
    const job = await engine.queue.enqueue({ chartNumber: 'E-1', files: [await files.pdf('scan.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'the job to complete');
    expect(order[0]).toBe('connection connecting');
    expect(order).toContain('queue uploaded');
    expect(engine.connection.state.state).toBe('connected');
    offState.dispose();
    offEvents.dispose();
    await engine.dispose();
    expect(engine.connection.state.state).toBe('stopped');
  });

  it('holds the server of record as one frozen value, handed whole to the queue and the connection', async () => {
    const queue = new FakeQueue();
    const connection = new FakeConnection();
    const network = createNetwork();
    const { engine } = await openEngine({
      choice: { serverUrl: 'https://ai.example.org/api/', webSocketUrl: 'wss://push.example.org/live', token: 't-1' },
      network,
      parts: (deps) => {
        connection.begin(deps.server);
        return { queue, connection };
      },
    });
    expect(engine.server).toEqual({
      baseUrl: 'https://ai.example.org/api/',
      wsUrl: 'wss://push.example.org/live',
      dialect: { name: 'intake' },
      token: 't-1',
      demo: false,
      identity: 'https://ai.example.org/api',
      network,
    });
    expect(Object.isFrozen(engine.server)).toBe(true);
    engine.setToken('t-2');
    expect(engine.server.token).toBe('t-2');
    expect(connection.targets.at(-1)).toBe(engine.server);
    expect(queue.servers.at(-1)).toBe(engine.server);
    // The same backend written another way is not a switch: nothing is told.
    const told = connection.targets.length;
    await engine.setServer({ serverUrl: 'https://ai.example.org/api/', webSocketUrl: 'wss://push.example.org/live' });
    expect(connection.targets).toHaveLength(told);
    // New proxy or trust settings: a new record, the same server, handed whole to both parts.
    const next = createNetwork({ proxy: () => Promise.resolve('http://127.0.0.1:3128') });
    engine.setNetwork(next);
    expect(engine.server.network).toBe(next);
    expect(engine.server.token).toBe('t-2');
    expect(connection.targets.at(-1)).toBe(engine.server);
    expect(queue.servers.at(-1)).toBe(engine.server);
    await engine.dispose();
    expect([queue.closed, connection.stopped]).toEqual([true, true]);
  });

  it('switching servers: one path, serialized; jobs the old backend still processes end failed with the reason, Retry sends them to the new one', async () => {
    const slow = await startServer({ phaseMs: 60_000 });
    const fast = await startServer({ phaseMs: 10 });
    const { engine, files } = await openEngine({ choice: choice(slow.url) });
    await engine.start();
    const job = await engine.queue.enqueue({ chartNumber: 'SW-1', files: [await files.pdf('scan.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'tracking', 'the first server to accept the job');

    // Two switches asked for at once: applied in order, the last one wins.
    const [first, second] = await Promise.all([engine.setServer(choice(`${slow.url}/`)), engine.setServer(choice(fast.url))]);
    expect(first.baseUrl).toBe(`${slow.url}/`);
    expect(second.baseUrl).toBe(fast.url);
    expect(engine.server.baseUrl).toBe(fast.url);

    const left = engine.queue.get(job.id)!;
    expect(left.stage).toBe('failed');
    expect(left.error?.code).toBe('server_changed');
    engine.queue.retry(job.id);
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'the retried job to complete on the new server');
    expect(fast.jobs()).toHaveLength(1);
    await engine.dispose();
  });

  it('a refused token holds uploads and the socket; the new token resumes both', async () => {
    const server = await startServer({ phaseMs: 10, token: 'right' });
    const { engine, files } = await openEngine({ choice: choice(server.url, 'wrong') });
    await engine.start();
    const job = await engine.queue.enqueue({ chartNumber: 'T-1', files: [await files.pdf('scan.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.error?.code === 'auth', 'the upload to be refused for the token');
    await waitFor(() => engine.connection.state.state === 'auth_failed', 'the socket to be refused for the token');
    engine.setToken('right');
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'the job to complete with the right token');
    expect(engine.connection.state.state).toBe('connected');
    await engine.dispose();
  });

  it('runs the demo server when no server is set (its socket whatever the override), stops it on a switch and on dispose', async () => {
    const real = await startServer({ phaseMs: 10 });
    const demoDir = await makeTempDir('intake-engine-demo-');
    dirs.push(demoDir);
    const demo = { starts: 0, closes: 0 };
    const { engine } = await openEngine({
      choice: { serverUrl: null, webSocketUrl: 'wss://push.example.org/live', token: null },
      demo: {
        dataDir: demoDir.path,
        start: async (options) => {
          demo.starts++;
          const server = await startReferenceServer({ ...options, log: () => undefined });
          return { url: server.url, close: async () => void (demo.closes++, await server.close()) };
        },
      },
    });
    expect(engine.server).toMatchObject({ demo: true, identity: 'demo', wsUrl: `${engine.server.baseUrl.replace('http:', 'ws:')}/ws` });
    await engine.start();
    await waitFor(() => engine.connection.state.state === 'connected', 'connected to the demo server');
    await engine.setServer(choice(real.url));
    expect([demo.starts, demo.closes]).toEqual([1, 1]);
    await engine.setServer(choice(null));
    expect(engine.server.demo).toBe(true);
    await engine.dispose();
    expect([demo.starts, demo.closes]).toEqual([2, 2]);
  });

  it('a backend that cannot be had leaves the server in use, and says so', async () => {
    const server = await startServer({ phaseMs: 10 });
    const { engine } = await openEngine({
      choice: choice(server.url),
      demo: { dataDir: '/nonexistent', start: async () => Promise.reject(new Error('port in use')) },
    });
    const before = engine.server;
    await expect(engine.setServer(choice(null))).rejects.toThrow('port in use');
    expect(engine.server).toBe(before);
    await engine.dispose();
  });

  it('without a way to start a demo server (the CLI), a missing server URL is refused at open', async () => {
    const dir = await makeTempDir('intake-engine-');
    dirs.push(dir);
    await expect(IntakeEngine.open({ choice: choice(null), store: createFileQueueStore(dir.path) })).rejects.toThrow('No server URL was given.');
    expect(leaks.live()).toEqual([]);
  });
});
