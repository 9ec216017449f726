/**
 * Managed settings over the fake electron: a preset is the starting value, a
 * locked setting is in force whatever the user's file says and the bridge
 * refuses to change it (saying why), and a bad policy file is reported (log
 * and notification) with the safest reading in force.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../src/core/policy/managedPolicy';
import { FakeNotification, fake, resetFakeElectron } from '../support/fakeElectron';
import { bootShell } from './fixtures/bootShell';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

beforeEach(() => resetFakeElectron());

const SOURCE = '/etc/intake/policy.json';
const CLINIC = 'https://intake.clinic.example/api';
const policyOf = (value: unknown) => parsePolicy(typeof value === 'string' ? value : JSON.stringify(value), SOURCE);

describe('managed settings (policy)', () => {
  it('preset: a first run starts with the policy’s values, and the user may change an unlocked one', async () => {
    const policy = policyOf({ settings: { serverUrl: CLINIC, notifications: false, startAtLogin: true } });
    const boot = await bootShell({ policy });
    expect(boot.serverAtStart.baseUrl).toBe(CLINIC);
    expect(fake.app.loginItem.openAtLogin).toBe(true);
    expect(await boot.invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { serverUrl: CLINIC, notifications: false, locked: [] } });
    expect(await boot.invoke('updateSettings', [{ notifications: true }])).toMatchObject({ ok: true, value: { notifications: true } });
  });

  it('locked: in force over the user’s own file; the bridge refuses to change it and says why', async () => {
    const policy = policyOf({ settings: { serverUrl: CLINIC }, locked: ['serverUrl', 'allowInsecureHttp', 'hotFolder', 'caFile'] });
    const boot = await bootShell({ policy, settings: { serverUrl: 'https://elsewhere.example/api' } });
    expect(boot.serverAtStart.baseUrl).toBe(CLINIC);
    expect(await boot.invoke('getSettings', [undefined])).toMatchObject({
      ok: true,
      value: { serverUrl: CLINIC, locked: ['serverUrl', 'allowInsecureHttp', 'hotFolder', 'caFile'] },
    });
    const refusal = { ok: false, error: { code: 'invalid_request', message: `"serverUrl" is set by your administrator and cannot be changed here (policy ${SOURCE}).` } };
    expect(await boot.invoke('updateSettings', [{ serverUrl: 'https://elsewhere.example/api' }])).toEqual(refusal);
    expect(await boot.invoke('updateSettings', [{ allowInsecureHttp: true }])).toMatchObject({ ok: false, error: { message: expect.stringContaining('"allowInsecureHttp" is set by your administrator') } });
    // The dialogs for locked settings do not even open.
    fake.dialogResult = { canceled: false, filePaths: ['/srv/scans'] };
    expect(await boot.invoke('pickHotFolder', [undefined])).toMatchObject({ ok: false, error: { message: expect.stringContaining('"hotFolder" is set by your administrator') } });
    expect(await boot.invoke('pickCaFile', [undefined])).toMatchObject({ ok: false, error: { message: expect.stringContaining('"caFile"') } });
    expect(fake.calls.filter((c) => c.api === 'dialog')).toEqual([]);
    // The same value (a form sending everything back) and unlocked settings pass.
    expect(await boot.invoke('updateSettings', [{ serverUrl: CLINIC, notifications: false }])).toMatchObject({ ok: true, value: { serverUrl: CLINIC, notifications: false } });
    expect(boot.core.queue.servers.every((server) => server.baseUrl === CLINIC)).toBe(true);
  });

  it('invalid policy: reported in the log and one notification; the safest reading (plain HTTP locked off) is in force', async () => {
    const boot = await bootShell({
      policy: policyOf('{ "settings": { "serverUrl": "http://10.1.2.3/api" '),
      settings: { serverUrl: 'http://10.9.9.9/api', allowInsecureHttp: true },
    });
    const shown = FakeNotification.instances.map((n) => n.options.body);
    expect(shown).toEqual([expect.stringMatching(/^The administrator's policy \/etc\/intake\/policy.json has problems; .*not valid JSON/)]);
    expect(boot.logger.lines.some((line) => line.startsWith('warn The administrator\'s policy'))).toBe(true);
    // The user's plain-http remote server is not used; plain HTTP cannot be turned on.
    expect(boot.serverAtStart.demo).toBe(true);
    expect(await boot.invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { allowInsecureHttp: false, serverUrl: null, locked: ['allowInsecureHttp'] } });
    expect(await boot.invoke('updateSettings', [{ allowInsecureHttp: true, serverUrl: 'http://10.9.9.9/api' }])).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('"allowInsecureHttp" is set by your administrator') },
    });
  });
});
