/**
 * Settings reaching the engine's parts (IntakeEngine.configure), against the
 * real reference server: upload concurrency and history size reach the queue,
 * a new WebSocket URL alone moves the socket and leaves the jobs, a server
 * change says which server in the operator's log, and the backend type
 * (dialect) reaches both the queue's uploads and the socket and stays with
 * later server changes.
 */
import { describe, expect, it } from 'vitest';
import type { IntakeEngineOptions } from '../../../src/core/engine/IntakeEngine';
import type { EngineSettings } from '../../../src/core/engine/ports';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings';
import { SOCKETIO_EVENTS } from '../../../src/shared/dialect';
import { startServer } from '../../support/referenceServer';
import { waitFor } from '../queue/waitFor';
import { engineRig } from './engineRig';

const rig = engineRig('intake-engine-settings-');
const openEngine = (options: Partial<IntakeEngineOptions> & Pick<IntakeEngineOptions, 'choice'>) =>
  rig.open({
    queue: { timings: { retryBaseMs: 50, retryMaxMs: 200 } },
    connection: { timings: { backoffBaseMs: 50, backoffCapMs: 200, pollIntervalMs: 200 } },
    ...options,
  });

const settingsFor = (serverUrl: string | null, patch: Partial<EngineSettings> = {}): EngineSettings => ({
  ...DEFAULT_SETTINGS,
  serverUrl,
  ...patch,
});
const changed = (...keys: Array<keyof Settings>) => new Set<keyof Settings>(keys);

describe('IntakeEngine.configure', () => {
  it('a higher upload concurrency starts a waiting upload at once', async () => {
    const server = await startServer({ phaseMs: 10 });
    const { engine, files } = await openEngine({ choice: { serverUrl: server.url, webSocketUrl: null, token: null }, queue: { concurrency: 1 } });
    server.injectUploadFaults({ kind: 'stall' }); // the first upload never gets an answer
    const stuck = await engine.queue.enqueue({ chartNumber: 'C-1', files: [await files.pdf('a.pdf')] });
    await waitFor(() => engine.queue.get(stuck.id)?.stage === 'uploading', 'the first upload to hang');
    const waiting = await engine.queue.enqueue({ chartNumber: 'C-2', files: [await files.pdf('b.pdf')] });
    expect(engine.queue.get(waiting.id)?.stage).toBe('queued');
    await engine.configure(settingsFor(server.url, { uploadConcurrency: 2 }), changed('uploadConcurrency'));
    await waitFor(() => engine.queue.get(waiting.id)?.stage === 'completed', 'the second job to go up beside the hanging one', 10_000);
    expect(engine.queue.get(stuck.id)?.stage).toBe('uploading');
  });

  it('a smaller history size drops the oldest finished jobs at once', async () => {
    const server = await startServer({ phaseMs: 5 });
    const { engine, files } = await openEngine({ choice: { serverUrl: server.url, webSocketUrl: null, token: null } });
    const first = await engine.queue.enqueue({ chartNumber: 'H-1', files: [await files.pdf('a.pdf')] });
    await waitFor(() => engine.queue.get(first.id)?.stage === 'completed', 'the first job to complete');
    const second = await engine.queue.enqueue({ chartNumber: 'H-2', files: [await files.pdf('b.pdf')] });
    await waitFor(() => engine.queue.get(second.id)?.stage === 'completed', 'the second job to complete');
    await engine.configure(settingsFor(server.url, { historySize: 1 }), changed('historySize'));
    expect(engine.queue.snapshot().map((job) => job.id)).toEqual([second.id]);
  });

  it('a new WebSocket URL alone moves the socket, not the jobs; a new server is logged as a switch', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const other = await startServer({ phaseMs: 10 });
    const { engine, files, lines } = await openEngine({ choice: { serverUrl: server.url, webSocketUrl: null, token: null } });
    await waitFor(() => engine.connection.state.state === 'connected', 'connected');
    const job = await engine.queue.enqueue({ chartNumber: 'W-1', files: [await files.pdf('a.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'tracking', 'the server to accept the job');
    const sockets = server.stats.wsConnections;
    // The same server's socket, at another URL.
    const wsUrl = `${server.wsUrl}?via=settings`;
    await engine.configure(settingsFor(server.url, { webSocketUrl: wsUrl }), changed('webSocketUrl'));
    expect(engine.server.wsUrl).toBe(wsUrl);
    await waitFor(() => server.stats.wsConnections > sockets && engine.connection.state.state === 'connected', 'the socket to reconnect to the new URL');
    expect(engine.queue.get(job.id)).toMatchObject({ stage: 'tracking', error: null });
    expect(lines).toContain('info WebSocket URL of the server in use changed');
    expect(lines.filter((line) => line.includes('Switched'))).toEqual([]);

    await engine.configure(settingsFor(other.url, { webSocketUrl: null }), changed('serverUrl', 'webSocketUrl'));
    expect(engine.server.baseUrl).toBe(other.url);
    expect(engine.queue.get(job.id)?.error?.code).toBe('server_changed');
    expect(lines.at(-1)).toBe('info Switched to the configured server');
  });

  it('a new server URL with the same WebSocket override is a switch: uploads go to the new server', async () => {
    const push = await startServer({ phaseMs: 10 });
    const other = await startServer({ phaseMs: 10 });
    const { engine, files } = await openEngine({ choice: { serverUrl: push.url, webSocketUrl: push.wsUrl, token: null } });
    await engine.configure(settingsFor(other.url, { webSocketUrl: push.wsUrl }), changed('serverUrl'));
    expect(engine.server).toMatchObject({ baseUrl: other.url, wsUrl: push.wsUrl });
    const job = await engine.queue.enqueue({ chartNumber: 'O-1', files: [await files.pdf('a.pdf')] });
    await waitFor(() => other.jobs().length === 1, 'the upload to reach the new server');
    expect(push.jobs()).toEqual([]);
    expect(engine.queue.get(job.id)?.error).toBeNull();
  });

  it('the backend type reaches uploads and the socket on the same URL, and stays when the server URL changes', async () => {
    const first = await startServer({ phaseMs: 10, dialect: SOCKETIO_EVENTS });
    const second = await startServer({ phaseMs: 10, dialect: SOCKETIO_EVENTS });
    // Set up as a plain intake backend (the wrong type for this server), its socket URL written out.
    const socketUrl = `${new URL(first.url).origin}/socket.io`;
    const { engine, files, lines } = await openEngine({ choice: { serverUrl: first.url, webSocketUrl: socketUrl, token: null } });
    const settings = settingsFor(first.url, { webSocketUrl: socketUrl });
    await engine.configure(settings, changed(), SOCKETIO_EVENTS);
    expect(engine.server).toMatchObject({ baseUrl: first.url, dialect: SOCKETIO_EVENTS, wsUrl: socketUrl });
    expect(lines.at(-1)).toBe('info Backend type of the server in use changed');
    // The same type again, as a copy (what arrives through the core process's channel): not a change.
    const inUse = engine.server;
    const logged = lines.length;
    await engine.configure(settings, changed(), structuredClone(SOCKETIO_EVENTS));
    expect(engine.server).toBe(inUse);
    expect(lines).toHaveLength(logged);
    const job = await engine.queue.enqueue({ chartNumber: 'D-1', files: [await files.pdf('a.pdf')] });
    await waitFor(() => engine.queue.get(job.id)?.stage === 'completed', 'the job to complete on the Socket.IO backend', 10_000);

    // A later server change passes no backend type: the one set stays.
    await engine.configure(settingsFor(second.url), changed('serverUrl', 'webSocketUrl'));
    expect(engine.server).toMatchObject({ baseUrl: second.url, dialect: SOCKETIO_EVENTS, wsUrl: `${new URL(second.url).origin}/socket.io` });
    const next = await engine.queue.enqueue({ chartNumber: 'D-2', files: [await files.pdf('b.pdf')] });
    await waitFor(() => engine.queue.get(next.id)?.stage === 'completed', 'the job to complete on the second Socket.IO backend', 10_000);
    expect(second.jobs()).toHaveLength(1);
  });

  it('an engine without a hot folder (the CLI) takes hot-folder settings without complaint', async () => {
    const server = await startServer({ phaseMs: 10 });
    const { engine } = await openEngine({ choice: { serverUrl: server.url, webSocketUrl: null, token: null } });
    expect(engine.hotFolder).toBeNull();
    await expect(
      engine.configure(settingsFor(server.url, { hotFolder: { path: '/scans', enabled: true }, chartNumberPattern: '^(\\d+)_' }), changed('hotFolder', 'chartNumberPattern')),
    ).resolves.toBeUndefined();
  });
});
