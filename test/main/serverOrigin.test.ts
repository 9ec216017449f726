/**
 * The token belongs to the origin it was entered for, and another origin (or
 * plain HTTP to another host) is confirmed in main's own dialog. The attack:
 * the page changes the server URL through the bridge — the token must not go
 * with it, and nothing changes unless the user confirms.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock';
import { fake, resetFakeElectron } from '../support/fakeElectron';
import { startServer } from '../support/referenceServer';
import { bootShell } from './fixtures/bootShell';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

beforeEach(() => resetFakeElectron());

const TOKEN = 'origin-bound-Token-77';
const messageBoxes = () => fake.calls.filter((c) => c.api === 'dialog' && c.method === 'showMessageBox');

describe('server origin', () => {
  it('a new origin is asked in main’s dialog; Cancel changes nothing, the page cannot answer it', async () => {
    const boot = await bootShell({ settings: { serverUrl: 'https://a.example/api' } });
    await boot.invoke('setToken', [TOKEN]);
    fake.messageBoxResponse = 0;
    const refused = await boot.invoke('updateSettings', [{ serverUrl: 'https://evil.example/api' }]);
    expect(refused).toEqual({ ok: false, error: { code: 'invalid_request', message: 'Nothing was changed: the new server was not confirmed.' } });
    expect(messageBoxes()).toHaveLength(1);
    expect(messageBoxes()[0]!.args.at(-1)).toMatchObject({ message: 'Send documents to https://evil.example?', buttons: ['Cancel', 'Use this server'], cancelId: 0, defaultId: 0 });
    expect(boot.running.engine.server).toMatchObject({ baseUrl: 'https://a.example/api', token: TOKEN });
    expect(await boot.invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { serverUrl: 'https://a.example/api', hasToken: true } });
  });

  it('a confirmed new origin starts with no token, and Settings says why', async () => {
    const boot = await bootShell({ settings: { serverUrl: 'https://a.example/api' } });
    await boot.invoke('setToken', [TOKEN]);
    const switched = await boot.invoke('updateSettings', [{ serverUrl: 'https://b.example/api' }]);
    expect(switched).toMatchObject({
      ok: true,
      value: { serverUrl: 'https://b.example/api', hasToken: false, tokenNotice: 'The saved token was for https://a.example; it is not sent to https://b.example. Enter the token for this server.' },
    });
    expect(boot.running.engine.server).toMatchObject({ baseUrl: 'https://b.example/api', token: null });
    expect(boot.stores.settings.get('token')).toBeUndefined();
    // Another path on the same origin keeps it, and asks nothing.
    await boot.invoke('setToken', [TOKEN]);
    const calls = messageBoxes().length;
    await boot.invoke('updateSettings', [{ serverUrl: 'https://b.example/v2' }]);
    expect(messageBoxes()).toHaveLength(calls);
    expect(boot.running.engine.server).toMatchObject({ baseUrl: 'https://b.example/v2', token: TOKEN });
  });

  it('a token entered before any server was set goes to the first one set; plain HTTP to another host is asked', async () => {
    const boot = await bootShell();
    await boot.invoke('setToken', [TOKEN]);
    await boot.invoke('updateSettings', [{ serverUrl: 'https://first.example/api' }]);
    expect(boot.running.engine.server.token).toBe(TOKEN);
    expect(await boot.invoke('updateSettings', [{ serverUrl: 'http://10.0.0.7:8080/api', allowInsecureHttp: true }])).toMatchObject({ ok: true });
    expect(messageBoxes().at(-1)?.args.at(-1)).toMatchObject({ detail: expect.stringContaining('unencrypted') });
  });

  it('at a second reference server, the switched-to origin never sees the token: its upload and upgrade carry no Authorization', async () => {
    const first = await startServer({ phaseMs: 10, token: TOKEN });
    // The second server would accept this very token: only its absence makes it refuse (401, not 403).
    const second = await startServer({ phaseMs: 10, token: TOKEN });
    const boot = await bootShell({ clock: systemClock, realCore: true, settings: { serverUrl: first.url } });
    await boot.invoke('setToken', [TOKEN]);
    await vi.waitFor(() => expect(boot.running.engine.connection.state.state).toBe('connected'), { timeout: 10_000 });
    const secondUrl = second.url.replace('127.0.0.1', 'localhost'); // another origin on this machine
    expect(await boot.invoke('updateSettings', [{ serverUrl: secondUrl }])).toMatchObject({ ok: true, value: { hasToken: false } });
    await vi.waitFor(() => expect(boot.running.engine.connection.state.state).toBe('auth_failed'), { timeout: 10_000 });
    expect(boot.running.engine.connection.state.reason).toContain('401');
    expect(second.jobs()).toHaveLength(0);
    await boot.running.engine.dispose();
  });
});
