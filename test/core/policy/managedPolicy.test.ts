// Managed settings read from the administrator's file: presets, locks, the safest reading of a bad file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enforcePolicy, lockedChangeProblem, lockedSettingProblem, parsePolicy, policyReport, presetDefaults } from '../../../src/core/policy/managedPolicy';
import { policyFilePath, readPolicyFile } from '../../../src/core/policy/policyFile';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';

const SOURCE = '/etc/intake/policy.json';
const read = (policy: unknown) => parsePolicy(JSON.stringify(policy), SOURCE);

describe('policy file location', () => {
  it('is per OS, or INTAKE_POLICY', () => {
    expect(policyFilePath('linux', {})).toBe('/etc/intake/policy.json');
    expect(policyFilePath('darwin', {})).toBe('/Library/Application Support/Intake/policy.json');
    expect(policyFilePath('win32', { ProgramData: 'D:\\PD' })).toBe('D:\\PD\\Intake\\policy.json');
    expect(policyFilePath('win32', {})).toBe('C:\\ProgramData\\Intake\\policy.json');
    expect(policyFilePath('linux', { INTAKE_POLICY: '/tmp/p.json' })).toBe('/tmp/p.json');
    // Set but empty (an unset variable in a service file): the machine-wide place.
    expect(policyFilePath('linux', { INTAKE_POLICY: '' })).toBe('/etc/intake/policy.json');
  });
});

describe('parsePolicy', () => {
  it('no file: no presets, no locks, updates on, no problems', () => {
    const policy = parsePolicy(null, null);
    expect(policy).toMatchObject({ presets: {}, problems: [], updates: { enabled: true, channel: null, feedUrl: null } });
    expect(policy.locked.size).toBe(0);
    expect(policyReport(policy)).toBeNull();
  });

  it('presets and locks validated with the settings schema', () => {
    const policy = read({
      settings: { serverUrl: 'https://intake.clinic.example/api', startAtLogin: true, uploadConcurrency: 4 },
      locked: ['serverUrl', 'allowInsecureHttp'],
      updates: { enabled: true, channel: 'beta', feedUrl: 'https://updates.clinic.example/intake/' },
    });
    expect(policy.problems).toEqual([]);
    expect(policy.presets).toEqual({ serverUrl: 'https://intake.clinic.example/api', startAtLogin: true, uploadConcurrency: 4 });
    expect([...policy.locked]).toEqual(['serverUrl', 'allowInsecureHttp']);
    expect(policy.updates).toEqual({ enabled: true, channel: 'beta', feedUrl: 'https://updates.clinic.example/intake/' });
  });

  it('a bad value is left out and named; the rest stays; plain HTTP is then locked off', () => {
    const policy = read({
      settings: { serverUrl: 'http://intake.clinic.example/api', uploadConcurrency: 99, notifications: false, colour: 'red' },
      locked: ['notifications', 'nonsense'],
    });
    expect(policy.presets).toEqual({ notifications: false, allowInsecureHttp: false });
    expect(policy.problems.join('\n')).toMatch(/"serverUrl" is not used: Plain http:\/\/ is allowed only/);
    expect(policy.problems.join('\n')).toMatch(/"uploadConcurrency" is not used/);
    expect(policy.problems.join('\n')).toMatch(/unknown setting "colour"/);
    expect(policy.problems.join('\n')).toMatch(/locks an unknown setting "nonsense"/);
    expect([...policy.locked].sort()).toEqual(['allowInsecureHttp', 'notifications']);
    expect(policyReport(policy)).toContain(SOURCE);
  });

  it('allowInsecureHttp can only be locked off: true is a problem and reads as locked false', () => {
    const policy = read({ settings: { allowInsecureHttp: true }, locked: [] });
    expect(policy.problems).toEqual([expect.stringContaining('a policy can only turn plain HTTP off')]);
    expect(policy.presets.allowInsecureHttp).toBe(false);
    expect(policy.locked.has('allowInsecureHttp')).toBe(true);
  });

  it.each([
    ['not JSON', '{ "settings": '],
    ['an array', '[]'],
    ['a wrong shape', '{ "settings": [1], "locked": "serverUrl", "extra": 1 }'],
    ['bad updates', '{ "updates": { "channel": "Beta Channel!" } }'],
    ['an insecure feed', '{ "updates": { "feedUrl": "http://updates.example/" } }'],
  ])('%s: reported, and the safest reading (plain HTTP locked off)', (_what, text) => {
    const policy = parsePolicy(text, SOURCE);
    expect(policy.problems.length).toBeGreaterThan(0);
    expect(policy.locked.has('allowInsecureHttp')).toBe(true);
    expect(policy.presets.allowInsecureHttp).toBe(false);
    expect(policy.updates.feedUrl).toBeNull();
  });
});

describe('what the administrator is told about a malformed policy', () => {
  const ONE_OBJECT = 'The policy file must hold one JSON object with "settings", "locked" and "updates".';
  it.each([
    ['not JSON', '{ "settings": ', ['The policy file is not valid JSON (Unexpected end of JSON input).']],
    ['an array', '[]', [ONE_OBJECT]],
    ['null', 'null', [ONE_OBJECT]],
    ['a string', '"text"', [ONE_OBJECT]],
    [
      'a wrong shape',
      '{ "settings": [1], "locked": "serverUrl", "extra": 1 }',
      [
        'The policy has an unknown entry "extra" (expected settings, locked, updates).',
        'The policy\'s "settings" must be an object of setting names and values.',
        'The policy\'s "locked" must be a list of setting names.',
      ],
    ],
    ['settings null', '{ "settings": null }', ['The policy\'s "settings" must be an object of setting names and values.']],
    ['settings as text, a lock that is no name', '{ "settings": "x", "locked": [3] }', ['The policy\'s "settings" must be an object of setting names and values.', 'The policy locks an unknown setting 3.']],
    ['a bad channel', '{ "updates": { "channel": "Beta Channel!" } }', ['The policy\'s "updates" is not used: channel: a channel is a short lower-case name such as latest or beta.']],
    ['a feed that is no URL', '{ "updates": { "feedUrl": "not a url" } }', ['The policy\'s update feed is not used: The feed URL is not a valid URL (example: https://ai.example.org/api).']],
    ['updates not an object', '{ "updates": 5 }', ['The policy\'s "updates" is not used: updates: Invalid input: expected object, received number.']],
    [
      'an insecure feed',
      '{ "updates": { "feedUrl": "http://updates.example/" } }',
      ['The policy\'s update feed is not used: Plain http:// is allowed only for this computer (localhost). Use https://, or explicitly allow insecure HTTP.'],
    ],
  ])('%s: each problem in words, and the safest reading', (_what, text, problems) => {
    const policy = parsePolicy(text, SOURCE);
    expect(policy.problems).toEqual(problems);
    expect(policy.presets).toEqual({ allowInsecureHttp: false });
    expect([...policy.locked]).toEqual(['allowInsecureHttp']);
    expect(policy.updates).toEqual({ enabled: true, channel: null, feedUrl: null });
    expect(policyReport(policy)).toBe(`The administrator's policy ${SOURCE} has problems; Intake uses the safest reading of it (plain HTTP is off). ${problems.join(' ')}`);
  });

  it('preset values are held to the rules user settings follow; a good value beside them is kept', () => {
    const policy = read({
      settings: { webSocketUrl: 'ws://a.example/ws', proxyUrl: 'ftp://p', chartNumberPattern: '(', uploadConcurrency: 'x', proxyBypass: '*.clinic.example, localhost' },
    });
    expect(policy.problems).toEqual([
      'The policy\'s value for "webSocketUrl" is not used: Plain ws:// is allowed only for this computer (localhost). Use wss://, or explicitly allow insecure HTTP.',
      'The policy\'s value for "proxyUrl" is not used: Proxy URL must start with http:// or https:// (got ftp:).',
      expect.stringMatching(/^The policy's value for "chartNumberPattern" is not used: Chart-number pattern is not a valid regular expression: /),
      'The policy\'s value for "uploadConcurrency" is not used: Invalid input: expected number, received string',
    ]);
    // A bypass list is not a pattern: '*.clinic.example' is kept as it is.
    expect(policy.presets).toEqual({ proxyBypass: '*.clinic.example, localhost', allowInsecureHttp: false });
  });

  it('updates can be turned off, plain HTTP preset off; a policy without problems says nothing', () => {
    const policy = read({ settings: { allowInsecureHttp: false }, updates: { enabled: false } });
    expect(policy.updates).toEqual({ enabled: false, channel: null, feedUrl: null });
    expect(policy.presets).toEqual({ allowInsecureHttp: false });
    expect(policy.problems).toEqual([]);
    expect(policy.locked.size).toBe(0);
    expect(policyReport(policy)).toBeNull();
  });

  it('a locked setting names the policy file when there is one', () => {
    const fromFile = read({ locked: ['notifications'] });
    expect(lockedSettingProblem(fromFile, 'notifications')).toBe(`"notifications" is set by your administrator and cannot be changed here (policy ${SOURCE}).`);
    expect(lockedSettingProblem({ ...fromFile, source: null }, 'notifications')).toBe('"notifications" is set by your administrator and cannot be changed here.');
    expect(lockedSettingProblem(fromFile, 'startAtLogin')).toBeNull();
  });

  it('a locked hot folder: switching it off is a change; sending the same folder and switch is not', () => {
    const policy = read({ settings: { hotFolder: { path: '/srv/scans', enabled: true } }, locked: ['hotFolder'] });
    const current = enforcePolicy(DEFAULT_SETTINGS, policy);
    expect(lockedChangeProblem(policy, current, { hotFolder: { path: '/srv/scans', enabled: false } })).toContain('"hotFolder" is set by your administrator');
    expect(lockedChangeProblem(policy, current, { hotFolder: { path: '/srv/scans', enabled: true } })).toBeNull();
  });
});

describe('policy in force', () => {
  const policy = read({ settings: { serverUrl: 'https://intake.clinic.example/api', startAtLogin: true }, locked: ['serverUrl', 'allowInsecureHttp', 'caFile'] });

  it('presets are the starting values; locked values win over the user', () => {
    expect(presetDefaults(policy)).toMatchObject({ startAtLogin: true, serverUrl: 'https://intake.clinic.example/api' });
    const user = { ...DEFAULT_SETTINGS, serverUrl: 'https://elsewhere.example/api', startAtLogin: false, caFile: '/home/u/ca.pem' };
    expect(enforcePolicy(user, policy)).toMatchObject({ serverUrl: 'https://intake.clinic.example/api', startAtLogin: false, caFile: null });
  });

  it('a plain-http server the user allowed is dropped once plain HTTP is locked off', () => {
    const user = { ...DEFAULT_SETTINGS, serverUrl: 'http://10.0.0.5/api', allowInsecureHttp: true };
    const safe = enforcePolicy(user, parsePolicy('not json', SOURCE));
    expect(safe).toMatchObject({ allowInsecureHttp: false, serverUrl: null });
  });

  it('a change to a locked setting is refused with the reason; the same value passes', () => {
    const current = enforcePolicy(DEFAULT_SETTINGS, policy);
    expect(lockedChangeProblem(policy, current, { serverUrl: 'https://other.example/api' })).toBe(
      '"serverUrl" is set by your administrator and cannot be changed here (policy /etc/intake/policy.json).',
    );
    expect(lockedChangeProblem(policy, current, { serverUrl: 'https://intake.clinic.example/api', notifications: false })).toBeNull();
    expect(lockedChangeProblem(policy, current, { startAtLogin: true })).toBeNull();
  });
});

describe('readPolicyFile', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('missing file: no policy; unreadable file: reported, plain HTTP locked off', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'intake-policy-'));
    expect(readPolicyFile(path.join(dir, 'none.json')).problems).toEqual([]);
    const file = path.join(dir, 'policy.json');
    await writeFile(file, JSON.stringify({ settings: { notifications: false } }));
    expect(readPolicyFile(file)).toMatchObject({ source: file, presets: { notifications: false }, problems: [] });
    const unreadable = readPolicyFile(file, () => {
      throw Object.assign(new Error('denied'), { code: 'EACCES' });
    });
    expect(unreadable.problems).toEqual([`The policy file ${file} cannot be read (EACCES).`]);
    expect(unreadable.locked.has('allowInsecureHttp')).toBe(true);
  });
});
