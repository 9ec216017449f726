/**
 * The bundled demo server as the engine runs it (BackendSelector through
 * IntakeEngine), a real reference server in this process: its own per-launch
 * token (never the user's), its data in the app's folder, one server however
 * often the settings are applied, the operator's log lines for start, stop and
 * a stop that fails, and nothing left running when opening fails half-way.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BackendSelector, type DemoServer } from '../../../src/core/engine/backendSelector';
import { IntakeEngine, type IntakeEngineOptions } from '../../../src/core/engine/IntakeEngine';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { startReferenceServer } from '../../../src/server/index';
import { ensureNoLeaks } from '../../support/leakCheck';
import { startServer } from '../../support/referenceServer';
import { waitFor } from '../queue/waitFor';
import { engineRig, recordingLogger } from './engineRig';

const leaks = ensureNoLeaks();
const { open, tempDir } = engineRig('intake-engine-demo-');

/** A demo server as the desktop starts it: a real reference server that wants its own per-launch token. */
function demoServers(token: string | null = 'launch-secret', close?: (server: DemoServer) => Promise<void>) {
  const seen = { starts: 0, closes: 0, options: [] as unknown[] };
  const start: NonNullable<IntakeEngineOptions['demo']>['start'] = async (options) => {
    seen.starts++;
    seen.options.push(options);
    const server = await startReferenceServer({ ...options, phaseMs: 10, token, log: () => undefined });
    const demo: DemoServer = {
      url: server.url,
      token,
      close: async () => {
        seen.closes++;
        await server.close();
        if (close) await close(demo);
      },
    };
    return demo;
  };
  return { seen, start };
}

const openEngine = (options: Partial<IntakeEngineOptions> & Pick<IntakeEngineOptions, 'choice'>) =>
  open({ connection: { timings: { backoffBaseMs: 50, backoffCapMs: 200, pollIntervalMs: 200 } }, ...options });

describe('IntakeEngine with the demo server', () => {
  it("talks to the demo server with the demo server's own token, never the user's; keeps its data in the app's folder", async () => {
    const demoDir = await tempDir();
    const demo = demoServers();
    const { engine, files, lines } = await openEngine({ choice: { serverUrl: null, webSocketUrl: null, token: 'user-token' }, demo: { start: demo.start, dataDir: demoDir.path } });
    expect(demo.seen.options).toEqual([{ port: 0, dataDir: demoDir.path }]);
    expect(engine.server).toMatchObject({ demo: true, token: 'launch-secret' });
    expect(lines).toContain('info Demo server started on loopback');
    await waitFor(() => engine.connection.state.state === 'connected', 'the socket to be let in with the launch token');
    const job = await engine.queue.enqueue({ chartNumber: 'DM-1', files: [await files.pdf('scan.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'the demo job to complete');
    expect(await readdir(demoDir.path)).not.toEqual([]);

    // A new user token is for the configured server: the demo server keeps its own.
    const told: unknown[] = [];
    const off = engine.onServer((server) => told.push(server));
    const before = engine.server;
    engine.setToken('user-token-2');
    expect(engine.server).toBe(before);
    expect(told).toEqual([]);
    off.dispose();
    await engine.dispose();
    expect(lines).toContain('info Demo server stopped');
  });

  it('applying the settings again on the demo server keeps the one demo server running; switching away stops it', async () => {
    const real = await startServer({ phaseMs: 10 });
    const demoDir = await tempDir();
    const demo = demoServers(null);
    const { engine, lines } = await openEngine({ choice: { serverUrl: null, webSocketUrl: null, token: 'user-token' }, demo: { start: demo.start, dataDir: demoDir.path } });
    const first = engine.server;
    expect(first.token).toBeNull();
    expect(await engine.setServer({ serverUrl: null, webSocketUrl: 'wss://push.example.org/live' })).toBe(first);
    expect(demo.seen).toMatchObject({ starts: 1, closes: 0 });

    const configured = await engine.setServer({ serverUrl: real.url, webSocketUrl: null });
    expect(configured).toMatchObject({ demo: false, baseUrl: real.url, token: 'user-token' });
    expect(demo.seen).toMatchObject({ starts: 1, closes: 1 });
    expect(lines.slice(-2)).toEqual(['info Demo server stopped', 'info Switched to the configured server']);

    await engine.setServer({ serverUrl: null, webSocketUrl: null });
    expect(lines.slice(-2)).toEqual(['info Demo server started on loopback', 'info Switched to the demo server']);
    await engine.dispose();
    expect(demo.seen).toMatchObject({ starts: 2, closes: 2 });
  });

  it('a demo server that does not stop cleanly: dispose still resolves, and the operator is told', async () => {
    const demoDir = await tempDir();
    const demo = demoServers(null, () => Promise.reject(new RangeError('still busy')));
    const { engine, lines } = await openEngine({ choice: { serverUrl: null, webSocketUrl: null, token: null }, demo: { start: demo.start, dataDir: demoDir.path } });
    await expect(engine.dispose()).resolves.toBeUndefined();
    expect(lines.at(-1)).toBe('warn the demo server did not stop cleanly {"error":"RangeError"}');
  });

  it('a demo server whose stop fails with no error at all is logged the same way', async () => {
    const demoDir = await tempDir();
    const demo = demoServers(null, () => Promise.reject(undefined));
    const { engine, lines } = await openEngine({ choice: { serverUrl: null, webSocketUrl: null, token: null }, demo: { start: demo.start, dataDir: demoDir.path } });
    await expect(engine.dispose()).resolves.toBeUndefined();
    expect(lines.at(-1)).toBe('warn the demo server did not stop cleanly {}');
  });

  it('opening fails after the demo server started (a queue setting out of range): the demo server is stopped, the error said', async () => {
    const demoDir = await tempDir();
    const demo = demoServers(null);
    await expect(
      IntakeEngine.open({
        choice: { serverUrl: null, webSocketUrl: null, token: null },
        store: createFileQueueStore((await tempDir()).path),
        demo: { start: demo.start, dataDir: demoDir.path },
        queue: { concurrency: 0 },
      }),
    ).rejects.toThrow('concurrency must be a whole number');
    expect(demo.seen).toMatchObject({ starts: 1, closes: 1 });
    expect(leaks.live()).toEqual([]);
  });
});

describe('BackendSelector', () => {
  it('a switch to a configured server while the demo server is still starting leaves no demo server running', async () => {
    const demoDir = await tempDir();
    const demo = demoServers(null);
    const selector = new BackendSelector(demo.start, demoDir.path, recordingLogger().logger);
    const [first, second] = await Promise.all([selector.select(null), selector.select('https://ai.example.org/api')]);
    expect(first.demo).toBe(true);
    expect(second).toEqual({ baseUrl: 'https://ai.example.org/api', demo: false });
    expect(demo.seen).toMatchObject({ starts: 1, closes: 1 });
    await selector.dispose();
    expect(demo.seen.closes).toBe(1);
  });
});
