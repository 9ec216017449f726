import { describe, expect, it } from 'vitest';
import { applySettingsPatch, settingsFromStored } from '../../../src/core/desktop/settingsUpdate';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';

describe('applySettingsPatch', () => {
  it('network: System by default; Manual needs a proxy URL with a port and no credentials', () => {
    expect(DEFAULT_SETTINGS.proxyMode).toBe('system');
    expect(applySettingsPatch(DEFAULT_SETTINGS, { proxyMode: 'manual' })).toEqual({ ok: false, message: 'A manual proxy needs its URL (example: http://proxy.example.org:3128).' });
    expect(applySettingsPatch(DEFAULT_SETTINGS, { proxyMode: 'manual', proxyUrl: 'http://proxy.intra' })).toEqual({ ok: false, message: 'Proxy URL must name its port (example: http://proxy.example.org:3128).' });
    expect(applySettingsPatch(DEFAULT_SETTINGS, { proxyMode: 'manual', proxyUrl: 'http://u:p@proxy.intra:3128' })).toMatchObject({ ok: false, message: expect.stringContaining('must not contain a user name or password') });
    const manual = applySettingsPatch(DEFAULT_SETTINGS, { proxyMode: 'manual', proxyUrl: ' http://proxy.intra:3128 ', proxyBypass: 'localhost, .intra' });
    expect(manual).toMatchObject({ ok: true, settings: { proxyUrl: 'http://proxy.intra:3128' } });
    expect(manual.ok && manual.changed).toEqual(expect.arrayContaining(['proxyMode', 'proxyUrl', 'proxyBypass']));
  });

  it('accepts https anywhere and http on loopback, normalising the URL', () => {
    const https = applySettingsPatch(DEFAULT_SETTINGS, { serverUrl: '  https://ai.example.org/api/ ' });
    expect(https).toEqual({ ok: true, settings: { ...DEFAULT_SETTINGS, serverUrl: 'https://ai.example.org/api' }, changed: ['serverUrl'] });
    expect(applySettingsPatch(DEFAULT_SETTINGS, { serverUrl: 'http://127.0.0.1:8080/api' }).ok).toBe(true);
  });

  it('refuses plain http to another host unless explicitly allowed', () => {
    const refused = applySettingsPatch(DEFAULT_SETTINGS, { serverUrl: 'http://ai.example.org/api' });
    expect(refused).toEqual({ ok: false, message: expect.stringContaining('https://') });
    expect(applySettingsPatch(DEFAULT_SETTINGS, { serverUrl: 'http://ai.example.org/api', allowInsecureHttp: true }).ok).toBe(true);
  });

  it('turning allowInsecureHttp off while an http remote is configured is refused, not left insecure', () => {
    const insecure = { ...DEFAULT_SETTINGS, serverUrl: 'http://ai.example.org/api', allowInsecureHttp: true };
    expect(applySettingsPatch(insecure, { allowInsecureHttp: false }).ok).toBe(false);
  });

  it('an empty server URL means the demo server', () => {
    const result = applySettingsPatch({ ...DEFAULT_SETTINGS, serverUrl: 'https://x.org/api' }, { serverUrl: '  ' });
    expect(result).toMatchObject({ ok: true, settings: { serverUrl: null }, changed: ['serverUrl'] });
  });

  it('gives specific messages for a bad pattern, a hot folder without path, credentials in the URL', () => {
    expect(applySettingsPatch(DEFAULT_SETTINGS, { chartNumberPattern: '([a-z' })).toEqual({ ok: false, message: expect.stringContaining('regular expression') });
    expect(applySettingsPatch(DEFAULT_SETTINGS, { hotFolder: { path: null, enabled: true } })).toEqual({ ok: false, message: expect.stringContaining('hot folder') });
    expect(applySettingsPatch(DEFAULT_SETTINGS, { serverUrl: 'https://me:pw@x.org/api' })).toEqual({ ok: false, message: expect.stringContaining('user name') });
    expect(applySettingsPatch(DEFAULT_SETTINGS, { serverUrl: 'ftp://x.org' })).toEqual({ ok: false, message: expect.stringContaining('https://') });
  });

  it('lists only what changed', () => {
    const result = applySettingsPatch(DEFAULT_SETTINGS, { uploadConcurrency: 4, notifications: true, startAtLogin: true });
    expect(result).toMatchObject({ ok: true, changed: ['uploadConcurrency', 'startAtLogin'] });
  });
});

describe('settingsFromStored', () => {
  it('keeps valid stored values and defaults the rest', () => {
    const stored = { uploadConcurrency: 3, notifications: 'yes', historySize: 5, unknownKey: 1, serverUrl: 'https://a.org/api' };
    expect(settingsFromStored(stored, DEFAULT_SETTINGS)).toEqual({ ...DEFAULT_SETTINGS, uploadConcurrency: 3, serverUrl: 'https://a.org/api' });
    expect(settingsFromStored('garbage', DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
  });

  it('drops a stored server URL the form would refuse (hand-edited plain http to a remote host)', () => {
    expect(settingsFromStored({ serverUrl: 'http://remote.example/api' }, DEFAULT_SETTINGS).serverUrl).toBeNull();
    expect(settingsFromStored({ serverUrl: 'http://remote.example/api', allowInsecureHttp: true }, DEFAULT_SETTINGS).serverUrl).toBe('http://remote.example/api');
  });
});
