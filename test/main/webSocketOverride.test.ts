/**
 * The WebSocket URL override in the shell: used at start and on every server
 * switch, moved without a restart when only it changes, ignored with the demo
 * server. The last test runs the real core against the reference server
 * behind a relay, so "the override is used" is seen on real sockets.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index';
import { resetFakeElectron } from '../support/fakeElectron';
import { startWsRelay, type WsRelay } from '../support/wsRelay';
import { bootShell } from './fixtures/bootShell';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

const SERVER = 'https://ai.example.org/api';
const PUSH = 'wss://push.example.org/live';

beforeEach(() => resetFakeElectron());

describe('WebSocket URL override (fake core)', () => {
  it('a configured server starts the core with the saved override', async () => {
    const { serverAtStart } = await bootShell({ settings: { serverUrl: SERVER, webSocketUrl: PUSH } });
    expect(serverAtStart).toMatchObject({ baseUrl: SERVER, wsUrl: PUSH });
  });

  it('the demo server ignores a saved override (derived from its own URL)', async () => {
    const { serverAtStart, demo } = await bootShell({ settings: { serverUrl: null, webSocketUrl: PUSH } });
    expect(demo.starts).toBe(1);
    expect(serverAtStart.wsUrl).toBe('ws://127.0.0.1:4999/api/ws');
  });

  it('changing only the WebSocket URL moves the connection, not the uploads or the backend', async () => {
    const { core, invoke, demo } = await bootShell({ settings: { serverUrl: SERVER } });
    const result = await invoke('updateSettings', [{ webSocketUrl: ` ${PUSH} ` }]);
    expect(result).toMatchObject({ ok: true, value: { webSocketUrl: PUSH, serverUrl: SERVER } });
    expect(core.connection.servers).toEqual([SERVER]);
    expect(core.connection.wsUrls).toEqual([PUSH]);
    expect(core.queue.servers).toEqual([]);
    expect(demo.starts).toBe(0);
    // Emptying it goes back to the derived URL.
    await invoke('updateSettings', [{ webSocketUrl: '' }]);
    expect(core.connection.wsUrls).toEqual([PUSH, 'wss://ai.example.org/api/ws']);
  });

  it('with the demo server a new override is saved but changes nothing until a server is configured', async () => {
    const { core, invoke } = await bootShell();
    expect(await invoke('updateSettings', [{ webSocketUrl: PUSH }])).toMatchObject({ ok: true, value: { webSocketUrl: PUSH } });
    expect(core.connection.servers).toEqual([]);
    await invoke('updateSettings', [{ serverUrl: SERVER }]);
    expect(core.connection.servers.at(-1)).toBe(SERVER);
    expect(core.connection.wsUrls.at(-1)).toBe(PUSH);
  });

  it('server and override changed together switch once, with both', async () => {
    const { core, invoke } = await bootShell();
    await invoke('updateSettings', [{ serverUrl: SERVER, webSocketUrl: PUSH }]);
    expect(core.connection.servers).toEqual([SERVER]);
    expect(core.connection.wsUrls).toEqual([PUSH]);
    // Back to the demo server: the override stays saved but is not used.
    await invoke('updateSettings', [{ serverUrl: null }]);
    expect(core.connection.wsUrls.at(-1)).toBe('ws://127.0.0.1:4999/api/ws');
  });

  it('a refused override is reported with its reason and changes nothing', async () => {
    const { core, invoke } = await bootShell({ settings: { serverUrl: SERVER } });
    const result = await invoke('updateSettings', [{ webSocketUrl: 'ws://push.example.org/live' }]);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('Plain ws://') } });
    expect(core.connection.servers).toEqual([]);
    expect(await invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { webSocketUrl: null } });
  });
});

describe('WebSocket URL override (real core, reference server behind a relay)', () => {
  let server: ReferenceServer;
  let relay: WsRelay;
  afterEach(async () => {
    await relay?.close();
    await server?.close();
  });

  it('the core connects to the override, and straight to the server once the override is removed', async () => {
    server = await startReferenceServer({ port: 0, phaseMs: 40 });
    relay = await startWsRelay({ target: () => server.wsUrl });
    const boot = await bootShell({ clock: systemClock, realCore: true, settings: { serverUrl: server.url, webSocketUrl: relay.url } });
    const connection = boot.running.engine.connection;
    try {
      await vi.waitFor(() => expect(connection.state.state).toBe('connected'), { timeout: 20_000, interval: 20 });
      expect(relay.stats.connections).toBe(1);
      // The server's only socket is the relay's upstream one.
      expect(server.stats.wsConnections).toBe(1);

      await boot.invoke('updateSettings', [{ webSocketUrl: null }]);
      await vi.waitFor(() => expect(server.stats.wsConnections).toBe(2), { timeout: 20_000, interval: 20 });
      await vi.waitFor(() => expect(connection.state.state).toBe('connected'), { timeout: 20_000, interval: 20 });
      expect(relay.stats.connections).toBe(1);
    } finally {
      await boot.running.shell.shutdown();
    }
  });
});
