/**
 * Settings → Network in main: Test connection runs the doctor's steps to the
 * server in use through its network, and a CA certificate is read only when
 * chosen in main's own file dialog (the page cannot name a file to trust).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock';
import { fake, resetFakeElectron } from '../support/fakeElectron';
import { makeCertificates } from '../support/certificates';
import { startServer } from '../support/referenceServer';
import { bootShell } from './fixtures/bootShell';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

let dir: string;
beforeEach(() => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'intake-network-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('Settings → Network', () => {
  it('Test connection answers one result per step for the server in use', async () => {
    const server = await startServer({ phaseMs: 10 });
    const boot = await bootShell({ clock: systemClock, realCore: true, settings: { serverUrl: server.url } });
    const reply = (await boot.invoke('testConnection', [undefined])) as { ok: true; value: Array<{ name: string; outcome: string }> };
    expect(reply.ok).toBe(true);
    expect(reply.value.map((check) => check.name)).toEqual(['DNS', 'TCP', 'HTTP', 'WebSocket']);
    expect(reply.value.every((check) => check.outcome === 'ok')).toBe(true);
    await boot.running.engine.dispose();
  });

  it('Test connection names the step that fails: TLS to a server signed by an unknown authority', async () => {
    const certs = makeCertificates(dir);
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const boot = await bootShell({ clock: systemClock, realCore: true, settings: { serverUrl: server.url, proxyMode: 'none' } });
    const reply = (await boot.invoke('testConnection', [undefined])) as { ok: true; value: Array<{ name: string; outcome: string; detail: string }> };
    expect(reply.value.map((check) => [check.name, check.outcome])).toEqual([
      ['DNS', 'ok'],
      ['TCP', 'ok'],
      ['TLS', 'failed'],
      ['HTTP', 'skipped'],
      ['WebSocket', 'skipped'],
    ]);
    expect(reply.value[2]!.detail).toContain(`The certificate of ${new URL(server.url).host} is signed by an unknown authority`);
    await boot.running.engine.dispose();
  });

  it('a CA file named by the page is refused; one chosen in main’s dialog is read, and an unusable one is refused with the reason', async () => {
    const boot = await bootShell({ settings: { serverUrl: 'https://ai.example.org/api' } });
    expect(await boot.invoke('updateSettings', [{ caFile: '/etc/ssl/private/server.key' }])).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: expect.stringContaining('Choose file') },
    });
    const notPem = join(dir, 'notes.pem');
    writeFileSync(notPem, 'not a certificate');
    fake.dialogResult = { canceled: false, filePaths: [notPem] };
    const refused = (await boot.invoke('pickCaFile', [undefined])) as { ok: boolean; error?: { message: string } };
    expect(refused.ok).toBe(false);
    expect(await boot.invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { caFile: null } });
    // Removing it needs no dialog.
    expect(await boot.invoke('updateSettings', [{ caFile: null }])).toMatchObject({ ok: true });
    const dialogs = fake.calls.filter((c) => c.api === 'dialog' && c.method === 'showOpenDialog');
    expect(dialogs.at(-1)?.args.at(-1)).toMatchObject({ filters: [{ name: 'Certificates', extensions: ['pem', 'crt', 'cer'] }] });
  });
});
