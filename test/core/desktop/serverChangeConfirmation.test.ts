import { describe, expect, it } from 'vitest';
import { serverChangeConfirmation, serverOrigin } from '../../../src/core/desktop/serverChangeConfirmation';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings';

const settings = (patch: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, ...patch });

describe('serverChangeConfirmation', () => {
  it('asks before documents go to another origin (from the demo server or another server)', () => {
    expect(serverChangeConfirmation(settings({}), settings({ serverUrl: 'https://ai.example.org/api' }))?.message).toBe('Send documents to https://ai.example.org?');
    expect(serverChangeConfirmation(settings({ serverUrl: 'https://a.example/api' }), settings({ serverUrl: 'https://b.example/api' }))?.message).toBe(
      'Send documents to https://b.example?',
    );
  });

  it('does not ask for the same origin (another path, case, default port) or for going back to the demo server', () => {
    expect(serverChangeConfirmation(settings({ serverUrl: 'https://a.example/api' }), settings({ serverUrl: 'https://A.example:443/v2' }))).toBeNull();
    expect(serverChangeConfirmation(settings({ serverUrl: 'https://a.example/api' }), settings({ serverUrl: null }))).toBeNull();
  });

  it('asks before plain HTTP to another host is allowed, and says it is unencrypted', () => {
    const current = settings({ serverUrl: 'http://10.1.2.3:8080/api', allowInsecureHttp: false });
    expect(serverChangeConfirmation(current, { ...current, allowInsecureHttp: true })?.title).toBe('Allow unencrypted HTTP?');
    expect(serverChangeConfirmation(settings({}), settings({ serverUrl: 'http://10.1.2.3:8080/api', allowInsecureHttp: true }))?.detail).toMatch(/unencrypted/);
    const local = settings({ serverUrl: 'http://127.0.0.1:8080/api' });
    expect(serverChangeConfirmation(local, { ...local, allowInsecureHttp: true })).toBeNull();
  });

  it('names the origin only: no path, no credentials', () => {
    expect(serverOrigin('https://ai.example.org:8443/api/v1')).toBe('https://ai.example.org:8443');
    expect(serverOrigin(null)).toBeNull();
  });
});
