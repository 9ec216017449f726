/**
 * The server token: encrypted with safeStorage, stored as base64 ciphertext,
 * handed to the core, and never sent to the renderer — scanned in every
 * payload main sends and every IpcResult it answers.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CALL_NAMES } from '../../src/shared/ipc';
import { allSentPayloads, fake, resetFakeElectron } from '../support/fakeElectron';
import { bootShell } from './fixtures/bootShell';
import { makeJob } from './fixtures/jobs';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

beforeEach(() => resetFakeElectron());

const TOKEN = 'tok-Zq81-VERY-SECRET-token';
const SERVER = 'https://ai.example.org/api';
/** The user's token goes to the configured server only (the demo server has its own). */
const CONFIGURED = { serverUrl: SERVER };

describe('server token', () => {
  it('is stored encrypted (base64 ciphertext), reaches the core, and is reported only as hasToken', async () => {
    const boot = await bootShell({ settings: CONFIGURED });
    const result = await boot.invoke('setToken', [TOKEN]);
    expect(result).toMatchObject({ ok: true, value: { hasToken: true, tokenEncryptionAvailable: true } });
    const stored = boot.stores.settings.get('token') as { kind: string; data: string };
    expect(stored.kind).toBe('safeStorage');
    expect(stored.data).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(JSON.stringify(boot.stores.settings.data)).not.toContain(TOKEN);
    expect(boot.core.connection.tokens).toEqual([TOKEN]);
    // Still the same backend's jobs: a new token does not make it another backend.
    expect(boot.core.queue.servers.at(-1)).toMatchObject({ baseUrl: SERVER, token: TOKEN, identity: SERVER });

    // A restart decrypts it for the core.
    resetFakeElectron();
    const again = await bootShell({ settingsData: boot.stores.settings.data });
    expect(again.serverAtStart.token).toBe(TOKEN);
  });

  it('never appears in anything sent to the renderer or answered over IPC', async () => {
    const boot = await bootShell({ settings: CONFIGURED });
    const answers: unknown[] = [];
    answers.push(await boot.invoke('setToken', [TOKEN]));
    boot.core.queue.put(makeJob('tracking'));
    boot.core.connection.set({ state: 'auth_failed', reason: 'server refused the token' });
    answers.push(await boot.invoke('updateSettings', [{ serverUrl: 'https://ai.example.org/api' }]));
    for (const name of IPC_CALL_NAMES) {
      if (name === 'setToken' || name === 'pickFiles') continue;
      answers.push(await boot.invoke(name, [undefined]));
      answers.push(await boot.invoke(name, [TOKEN]));
    }
    boot.clock.advance(1_000);
    boot.tray().clickMenuItem('Settings…');
    const everything = JSON.stringify([answers, allSentPayloads(), fake.calls]);
    expect(allSentPayloads().length).toBeGreaterThan(2);
    // The token may only appear where the test itself passed it in (echoed nowhere).
    expect(everything.split(TOKEN).length - 1).toBe(0);
    expect(boot.logger.lines.join('\n')).not.toContain(TOKEN);
  });

  it('is refused with a clear message where the OS cannot encrypt, unless plaintext is allowed', async () => {
    fake.encryptionAvailable = false;
    const boot = await bootShell({ settings: CONFIGURED });
    const refused = await boot.invoke('setToken', [TOKEN]);
    expect(refused).toEqual({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('no secure storage') } });
    expect(boot.stores.settings.get('token')).toBeUndefined();
    expect(boot.core.connection.tokens).toEqual([]);
    expect(await boot.invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { hasToken: false, tokenEncryptionAvailable: false } });

    await boot.invoke('updateSettings', [{ allowPlaintextToken: true }]);
    expect(await boot.invoke('setToken', [TOKEN])).toMatchObject({ ok: true, value: { hasToken: true } });
    expect(boot.stores.settings.get('token')).toEqual({ kind: 'plaintext', data: TOKEN, origin: 'https://ai.example.org' });
  });

  it('counts as unencrypted where Linux has no keyring (safeStorage backend basic_text)', async () => {
    fake.storageBackend = 'basic_text';
    const boot = await bootShell({ settings: CONFIGURED });
    expect(await boot.invoke('setToken', [TOKEN])).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await boot.invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { hasToken: false, tokenEncryptionAvailable: false } });
  });

  it('an unencrypted token is deleted when keeping it so is no longer allowed, and the core stops using it', async () => {
    fake.encryptionAvailable = false;
    const boot = await bootShell({ settings: { ...CONFIGURED, allowPlaintextToken: true }, settingsData: { token: { kind: 'plaintext', data: TOKEN } } });
    expect(boot.serverAtStart.token).toBe(TOKEN);
    await boot.invoke('updateSettings', [{ allowPlaintextToken: false }]);
    expect(boot.stores.settings.get('token')).toBeUndefined();
    expect(boot.core.connection.tokens).toEqual([null]);
    expect(await boot.invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { hasToken: false } });
  });

  it('an unencrypted token is encrypted as soon as the OS can', async () => {
    const boot = await bootShell({ settings: { ...CONFIGURED, allowPlaintextToken: true }, settingsData: { token: { kind: 'plaintext', data: TOKEN } } });
    expect((boot.stores.settings.get('token') as { kind: string }).kind).toBe('safeStorage');
    expect(JSON.stringify(boot.stores.settings.data)).not.toContain(TOKEN);
    expect(boot.serverAtStart.token).toBe(TOKEN);
  });

  it('surrounding spaces of a pasted token are trimmed; inner spaces are refused with the reason', async () => {
    const boot = await bootShell({ settings: CONFIGURED });
    expect(await boot.invoke('setToken', [`  ${TOKEN}\n`])).toMatchObject({ ok: true, value: { hasToken: true } });
    expect(boot.core.connection.tokens).toEqual([TOKEN]);
    expect(await boot.invoke('setToken', ['two words'])).toEqual({ ok: false, error: { code: 'invalid_payload', message: expect.stringContaining('no spaces') } });
  });

  it('null removes it', async () => {
    const boot = await bootShell({ settings: CONFIGURED });
    await boot.invoke('setToken', [TOKEN]);
    expect(await boot.invoke('setToken', [null])).toMatchObject({ ok: true, value: { hasToken: false } });
    expect(boot.stores.settings.get('token')).toBeUndefined();
    expect(boot.core.connection.tokens).toEqual([TOKEN, null]);
  });

  it('never goes to the demo server, which has its own per-launch token; it follows the user to the configured server', async () => {
    const boot = await bootShell({ startDemoServer: async () => ({ url: 'http://127.0.0.1:4999/api', token: 'demo-launch-token', close: async () => undefined }) });
    expect(boot.serverAtStart).toMatchObject({ demo: true, token: 'demo-launch-token' });
    await boot.invoke('setToken', [TOKEN]);
    expect(boot.core.connection.tokens).toEqual([]);
    expect(boot.running.engine.server.token).toBe('demo-launch-token');
    await boot.invoke('updateSettings', [{ serverUrl: SERVER }]);
    expect(boot.running.engine.server).toMatchObject({ baseUrl: SERVER, token: TOKEN });
    await boot.invoke('updateSettings', [{ serverUrl: null }]);
    expect(boot.running.engine.server).toMatchObject({ demo: true, token: 'demo-launch-token' });
  });

  it('a token that no longer decrypts is dropped with a warning, not a crash', async () => {
    const boot = await bootShell({ settingsData: { token: { kind: 'safeStorage', data: Buffer.from('garbage').toString('base64') } } });
    expect(boot.serverAtStart.token).toBeNull();
    expect(boot.logger.lines.some((l) => l.includes('could not be decrypted'))).toBe(true);
  });
});
