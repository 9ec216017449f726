/**
 * RemoteEngine's contract with main's shell, beyond the calls themselves:
 * every call main fires and forgets reaches a handler in the core (a refused
 * one is logged, not lost silently), listeners that throw are reported, only
 * real warnings cross as warnings, errors keep what they are, and dispose()
 * resolves once the core's engine has ended, without a restart on the way.
 */
import { useCleanups } from '../../support/cleanups';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RemoteEngine } from '../../../src/core/host/RemoteEngine';
import { createJournalQueueStore } from '../../../src/core/persistence/journalQueueStore';
import { PERSISTED_QUEUE_VERSION } from '../../../src/core/persistence/persistedQueue';
import { QueueInputError, type QueueEvent } from '../../../src/core/queue/types';
import { SOCKETIO_EVENTS } from '../../../src/shared/dialect';
import type { BatchProgress } from '../../../src/shared/batchProgress';
import { hostedConfig } from '../../support/coreHostProcess';
import { sampleJob } from '../../support/sampleJob';
import { startServer } from '../../support/referenceServer';
import { startReferenceServer } from '../../../src/server/index';
import { silentLogger } from '../../../src/core/base/logger';
import { waitFor } from '../queue/waitFor';
import { inProcessHosts, openHostedEngine } from './hostRig';

const { defer, tempDir } = useCleanups('intake-remote-contract-');

const openEngine = (options: Parameters<typeof openHostedEngine>[1] = {}) => openHostedEngine(defer, options);

const CALL_FAILED = 'a call to the core process failed';

describe('calls main fires and forgets', () => {
  it('each reaches its handler in the core; one the core refuses is logged with why', async () => {
    const { engine, dir, log } = await openEngine();
    await engine.start();
    const job = await engine.queue.enqueue({ chartNumber: 'F-1', files: [await dir.pdf('f.pdf')] });
    engine.queue.pauseAll();
    expect(engine.queue.paused).toBe(true);
    engine.queue.resumeAll();
    expect(engine.queue.paused).toBe(false);
    engine.queue.setConcurrency(1);
    engine.queue.setHistorySize(10);
    engine.connection.nudge();
    engine.setToken(null);
    engine.queue.remove(job.id);
    await waitFor(() => engine.queue.get(job.id) === undefined, 'removed');
    // A round trip after them: every one has been answered.
    await engine.checkConnection();
    expect(log.lines.filter((l) => l.message === CALL_FAILED)).toEqual([]);

    engine.queue.retry('no-such-job');
    await waitFor(() => log.messages().includes(CALL_FAILED), 'the refusal logged');
    expect(log.lines.find((l) => l.message === CALL_FAILED)).toEqual({
      level: 'warn',
      message: CALL_FAILED,
      fields: { error: 'No such job in the queue (it may have been removed).' },
    });
  });

  it("a queue saved paused is paused in main's mirror after start; the connection's states reach main", async () => {
    const dir = await tempDir();
    const saved = createJournalQueueStore(join(dir.path, 'queue'));
    await saved.save({ version: PERSISTED_QUEUE_VERSION, jobs: [], paused: true });
    await saved.close?.();
    const { engine } = await openEngine({ config: { queueDir: join(dir.path, 'queue') } });
    const states: string[] = [];
    engine.connection.onState((state) => states.push(state.state));
    await engine.start();
    expect(engine.queue.paused).toBe(true);
    await waitFor(() => states.includes('connected'), 'connected');
  });

  it("the server of record is the core's to set: setting it from main throws", async () => {
    const { engine } = await openEngine();
    expect(() => engine.queue.setServer()).toThrow('the server of record is set by the engine in the core process');
    expect(() => engine.connection.setServer()).toThrow('the server of record is set by the engine in the core process');
  });
});

describe('what crosses to main', () => {
  it('a listener that throws is logged by its error name, and the other listeners still hear', async () => {
    const { engine, dir, log } = await openEngine();
    const heard: string[] = [];
    engine.queue.onChange(() => {
      throw new TypeError('a broken tray');
    });
    engine.queue.onChange((changes) => heard.push(...changes.map((c) => c.type)));
    await engine.start();
    await engine.queue.enqueue({ chartNumber: 'L-1', files: [await dir.pdf('l.pdf')] });
    expect(heard).toContain('upsert');
    expect(log.lines).toContainEqual({ level: 'error', message: 'an engine listener threw', fields: { error: 'TypeError' } });
  });

  it('chart numbers in notifications follow a settings change at once', async () => {
    const { engine, dir, server } = await openEngine();
    await engine.start();
    const bodies: string[] = [];
    engine.onNotification((decision) => bodies.push(decision.body));
    await engine.configure({ serverUrl: server.url, webSocketUrl: null, uploadConcurrency: 2, historySize: 100, hotFolder: { path: null, enabled: false }, chartNumberPattern: null, chartNumbersInNotifications: true } as never, new Set(['chartNumbersInNotifications']));
    const job = await engine.queue.enqueue({ chartNumber: 'CN-1', files: [await dir.pdf('cn.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'completed');
    await waitFor(() => bodies.length > 0, 'a notification');
    expect(bodies[0]).toContain('CN-1');
  });

  it("a Socket.IO backend's batch progress reaches main's connection", async () => {
    const server = await startServer({ phaseMs: 10, dialect: SOCKETIO_EVENTS });
    const { engine, dir } = await openEngine({ config: { choice: { serverUrl: server.url, webSocketUrl: null, token: null, dialect: SOCKETIO_EVENTS } } });
    const batches: BatchProgress[] = [];
    engine.connection.onBatch((batch) => batches.push(batch));
    await engine.start();
    const results = await engine.queue.enqueueMany([
      { chartNumber: 'E-1', files: [await dir.pdf('a.pdf')] },
      { chartNumber: 'E-2', files: [await dir.pdf('b.pdf')] },
    ]);
    const ids = results.map((result) => (result.ok ? result.job.id : ''));
    await waitFor(() => ids.every((id) => engine.queue.get(id)?.stage === 'completed'), 'both completed');
    await waitFor(() => batches.length > 0, 'batch progress');
    expect(new Set(batches.map((batch) => batch.batchId))).toEqual(new Set([server.jobs()[0]!.batchId]));
  });

  it('only warnings cross as queue events: a job followed to its end gives main none', async () => {
    const { engine, dir } = await openEngine();
    const events: QueueEvent[] = [];
    engine.queue.onEvent((event) => events.push(event));
    await engine.start();
    const job = await engine.queue.enqueue({ chartNumber: 'W-1', files: [await dir.pdf('w.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'completed');
    expect(events).toEqual([]);
  });

  it("the core's log lines reach main's logger with their level and fields", async () => {
    const dir = await tempDir();
    const gone = join(dir.path, 'gone-ca.pem');
    const { engine, server, log } = await openEngine({ config: { network: { settings: { proxyMode: 'none', proxyUrl: null, proxyBypass: '', caFile: gone }, login: null } } });
    expect(log.lines).toContainEqual({ level: 'warn', message: 'the custom CA file cannot be used', fields: { error: `The CA file ${gone} does not exist.` } });
    await engine.start();
    expect(log.lines.some((l) => l.level === 'info' && l.message === 'queue loaded')).toBe(true);
    // A WebSocket URL the socket cannot even be opened with: the core says so at error level.
    await engine.configure({ serverUrl: server.url, webSocketUrl: 'not a url', uploadConcurrency: 2, historySize: 100, hotFolder: { path: null, enabled: false }, chartNumberPattern: null, chartNumbersInNotifications: false } as never, new Set(['webSocketUrl']));
    expect(engine.server.wsUrl).toBe('not a url');
    await waitFor(() => log.lines.some((l) => l.level === 'error' && l.message === 'cannot open the WebSocket'), 'the error logged');
    expect(log.lines.find((l) => l.message === 'cannot open the WebSocket')?.fields).toEqual({ error: expect.any(String) });
  });

  it('an error with a code that is not refused input keeps its name and code, and is not made a QueueInputError', async () => {
    // A network that cannot be built at all (the file system refuses): open fails with that error as it was.
    const failing = openEngine({ hostDeps: { buildNetwork: async () => (await readFile('/nonexistent/intake-ca.pem'), null as never) } });
    const error = await failing.catch((e: unknown) => e as Error & { code?: string });
    expect(error).not.toBeInstanceOf(QueueInputError);
    expect(error).toMatchObject({ name: 'Error', code: 'ENOENT' });
  });
});

describe('an older version\'s queue', () => {
  it('main without one answers the core with none; a source without warnings gives none', async () => {
    const { engine } = await openEngine({ config: { legacyQueue: true } });
    await engine.start();
    expect(engine.queue.snapshot()).toEqual([]);

    const saved = sampleJob({ id: 'old-2', chartNumber: 'OLD-2', stage: 'completed' });
    const withSource = await openEngine({
      config: { legacyQueue: true },
      engine: { legacyQueue: { load: async () => ({ version: PERSISTED_QUEUE_VERSION, jobs: [saved], paused: false }), retire: async () => undefined } },
    });
    const events: QueueEvent[] = [];
    withSource.engine.queue.onEvent((event) => events.push(event));
    await withSource.engine.start();
    expect(withSource.engine.queue.get('old-2')).toMatchObject({ chartNumber: 'OLD-2' });
    expect(events).toEqual([]);
  });
});

describe('no server URL', () => {
  it('without a demo folder the core refuses to open; with one the demo server starts in the core, its data in that folder', async () => {
    const server = await startServer({ phaseMs: 10 });
    const dir = await tempDir();
    const noUrl = { choice: { serverUrl: null, webSocketUrl: null, token: null } };
    const refused = RemoteEngine.open({ connect: inProcessHosts().connect, config: hostedConfig(server.url, join(dir.path, 'queue'), noUrl), logger: silentLogger, resolveProxy: async () => 'DIRECT' });
    await expect(refused).rejects.toThrow('No server URL was given.');

    const demoDirs: string[] = [];
    const { connect } = inProcessHosts({
      startDemoServer: async ({ dataDir }) => {
        demoDirs.push(dataDir);
        const demo = await startReferenceServer({ phaseMs: 10, dataDir });
        return { url: demo.url, close: () => demo.close() };
      },
    });
    const demoData = join(dir.path, 'demo');
    const engine = await RemoteEngine.open({ connect, config: hostedConfig(server.url, join(dir.path, 'queue'), { ...noUrl, demoDataDir: demoData }), logger: silentLogger, resolveProxy: async () => 'DIRECT' });
    defer(() => engine.dispose());
    expect(demoDirs).toEqual([demoData]);
    expect(engine.server.demo).toBe(true);
  });
});

describe('dispose', () => {
  it("resolves once the core's engine has ended (its journal closed); the process may end after the answer", async () => {
    let closed = 0;
    let disposed = 0;
    const { engine } = await openEngine({
      hostDeps: {
        openQueueStore: (dir) => {
          const store = createJournalQueueStore(dir);
          return { ...store, close: async () => (await store.close?.(), void (closed += 1)) };
        },
        onDisposed: () => void (disposed += 1),
      },
    });
    await engine.start();
    await engine.dispose();
    expect(closed).toBe(1);
    await waitFor(() => disposed === 1, 'the core told it may end');
  });

  it('a core that dies while main disposes it is not started again', async () => {
    const { engine, hostPorts, log } = await openEngine();
    await engine.start();
    const disposing = engine.dispose();
    hostPorts[0]!.close();
    await disposing;
    expect(hostPorts).toHaveLength(1);
    expect(log.messages()).not.toContain('the core process ended unexpectedly; starting it again');
  });
});
