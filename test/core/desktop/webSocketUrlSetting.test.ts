import { describe, expect, it } from 'vitest';
import { applySettingsPatch, settingsFromStored } from '../../../src/core/desktop/settingsUpdate';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { webSocketUrlProblem } from '../../../src/shared/settingsProblems';

const configured = { ...DEFAULT_SETTINGS, serverUrl: 'https://ai.example.org/api' };

describe('webSocketUrlProblem', () => {
  it.each([
    ['wss://ai.example.org/api/ws', false],
    ['ws://127.0.0.1:8080/api/ws', false],
    ['ws://localhost/ws', false],
    ['ws://[::1]:9/ws', false],
    ['ws://ai.example.org/ws', true],
  ])('accepts %s (insecure allowed: %s)', (url, allowInsecureHttp) => {
    expect(webSocketUrlProblem(url, allowInsecureHttp)).toBeNull();
  });

  it.each([
    ['not a url', 'not a valid URL'],
    ['https://ai.example.org/api/ws', 'must start with wss:// (got https:)'],
    ['ws://ai.example.org/ws', 'Plain ws:// is allowed only for this computer'],
    ['wss://me:pw@ai.example.org/ws', 'user name or password'],
    ['wss://ai.example.org/ws#x', 'fragment'],
  ])('refuses %s with a specific message', (url, message) => {
    expect(webSocketUrlProblem(url, false)).toContain(message);
  });
});

describe('applySettingsPatch: webSocketUrl', () => {
  it('defaults to null (derived) and stores a trimmed override', () => {
    expect(DEFAULT_SETTINGS.webSocketUrl).toBeNull();
    const result = applySettingsPatch(configured, { webSocketUrl: '  wss://push.example.org/ws ' });
    expect(result).toEqual({ ok: true, settings: { ...configured, webSocketUrl: 'wss://push.example.org/ws' }, changed: ['webSocketUrl'] });
  });

  it('an empty override means derived again', () => {
    const result = applySettingsPatch({ ...configured, webSocketUrl: 'wss://push.example.org/ws' }, { webSocketUrl: ' ' });
    expect(result).toMatchObject({ ok: true, settings: { webSocketUrl: null }, changed: ['webSocketUrl'] });
  });

  it('refuses plain ws to another host unless insecure HTTP is allowed, and changes nothing', () => {
    expect(applySettingsPatch(configured, { webSocketUrl: 'ws://push.example.org/ws' })).toEqual({ ok: false, message: expect.stringContaining('wss://') });
    expect(applySettingsPatch(configured, { webSocketUrl: 'ws://push.example.org/ws', allowInsecureHttp: true }).ok).toBe(true);
    expect(applySettingsPatch(configured, { webSocketUrl: 'https://push.example.org/ws' })).toEqual({ ok: false, message: expect.stringContaining('(got https:)') });
  });

  it('turning allowInsecureHttp off while a plain ws remote override is set is refused, not left insecure', () => {
    const insecure = { ...configured, webSocketUrl: 'ws://push.example.org/ws', allowInsecureHttp: true };
    expect(applySettingsPatch(insecure, { allowInsecureHttp: false })).toEqual({ ok: false, message: expect.stringContaining('ws://') });
    // Removing the override in the same patch makes it acceptable.
    expect(applySettingsPatch(insecure, { allowInsecureHttp: false, webSocketUrl: null }).ok).toBe(true);
  });
});

describe('settingsFromStored: webSocketUrl', () => {
  it('keeps a valid stored override and drops one the form would refuse', () => {
    expect(settingsFromStored({ webSocketUrl: 'wss://push.example.org/ws' }, DEFAULT_SETTINGS).webSocketUrl).toBe('wss://push.example.org/ws');
    expect(settingsFromStored({ webSocketUrl: 'ws://push.example.org/ws' }, DEFAULT_SETTINGS).webSocketUrl).toBeNull();
    expect(settingsFromStored({ webSocketUrl: 'ws://push.example.org/ws', allowInsecureHttp: true }, DEFAULT_SETTINGS).webSocketUrl).toBe('ws://push.example.org/ws');
    expect(settingsFromStored({ webSocketUrl: 42 }, DEFAULT_SETTINGS).webSocketUrl).toBeNull();
  });

  it('a store written before the field existed gets the derived default', () => {
    expect(settingsFromStored({ serverUrl: 'https://a.org/api' }, DEFAULT_SETTINGS)).toEqual({ ...DEFAULT_SETTINGS, serverUrl: 'https://a.org/api' });
  });
});
