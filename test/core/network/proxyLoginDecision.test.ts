/**
 * ProxyLogin's decisions without a proxy (the tinyproxy suite proves them on the wire):
 * what a 407 does for each kind of credentials sent, what a failing or cancelled dialog
 * does, what survives a restart, and what reaches the log (the proxy, never a password).
 */
import { describe, expect, it } from 'vitest';
import type { ProxyCredentials } from '../../../src/core/network/network';
import { ProxyLogin, type ProxyLoginRequest, type SavedProxyLogin } from '../../../src/core/network/proxyLogin';

const PROXY = 'http://proxy.intra:3128';
const GOOD = { username: 'nurse', password: 's3cret' };

/** A memory store, a dialog answering from a script at once, a log that keeps every line. */
function rig(options: { saved?: SavedProxyLogin | null; answers?: Array<ProxyCredentials | null | Error> } = {}) {
  const events: string[] = [];
  const log: Array<[string, string, Record<string, unknown> | undefined]> = [];
  const asked: ProxyLoginRequest[] = [];
  const answers = [...(options.answers ?? [])];
  const store = {
    value: options.saved ?? null,
    load: () => store.value,
    save: (login: SavedProxyLogin) => void (events.push('save'), (store.value = login)),
    clear: () => void (events.push('clear'), (store.value = null)),
  };
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => void log.push([level, message, fields]);
  const login = new ProxyLogin({
    store,
    ask: async (request) => {
      asked.push(request);
      const answer = answers.shift() ?? null;
      if (answer instanceof Error) throw answer;
      return answer;
    },
    onChange: () => void events.push('change'),
    logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
  });
  return { login, store, events, log, asked };
}

describe('ProxyLogin', () => {
  it('credentials saved before a restart are sent to their proxy at once, to no other', () => {
    const r = rig({ saved: { proxy: PROXY, ...GOOD } });
    expect(r.login.credentials(PROXY)).toEqual(GOOD);
    expect(r.login.saved).toEqual({ proxy: PROXY, ...GOOD });
    expect(r.login.credentials('http://proxy.intra:8080')).toBeNull();
  });

  it('a first 407 asks once; the answer is kept for that proxy and the network rebuilt; the log names the proxy, never the password', async () => {
    const r = rig({ answers: [GOOD] });
    r.login.required(PROXY, null);
    await r.login.settled();
    expect(r.asked).toEqual([{ proxy: PROXY, refused: false }]);
    expect(r.store.value).toEqual({ proxy: PROXY, ...GOOD });
    expect(r.login.credentials(PROXY)).toEqual(GOOD);
    expect(r.events).toEqual(['save', 'change']);
    expect(r.log).toEqual([['info', 'credentials given for the proxy', { proxy: PROXY }]]);
    expect(JSON.stringify(r.log)).not.toContain('s3cret');
  });

  it('a 407 to the credentials in use: forgotten at once, the network rebuilt without them, the user asked again and told', async () => {
    const r = rig({ saved: { proxy: PROXY, ...GOOD }, answers: [null] });
    r.login.required(PROXY, GOOD);
    expect(r.store.value).toBeNull();
    expect(r.login.credentials(PROXY)).toBeNull();
    expect(r.events).toEqual(['clear', 'change']);
    await r.login.settled();
    expect(r.asked).toEqual([{ proxy: PROXY, refused: true }]);
    expect(r.log[0]).toEqual(['warn', 'the proxy refused the credentials given for it; asking again', { proxy: PROXY }]);
  });

  it('a 407 that carried other credentials than the ones in force says nothing about them', async () => {
    const r = rig({ saved: { proxy: PROXY, ...GOOD }, answers: [GOOD] });
    r.login.required(PROXY, { username: 'nurse', password: 'old' });
    r.login.required(PROXY, { username: 'porter', password: 's3cret' });
    r.login.required(PROXY, null);
    await r.login.settled();
    expect(r.asked).toEqual([]);
    expect(r.login.credentials(PROXY)).toEqual(GOOD);
    // None in force, but some sent (a request from the network before): ignored too.
    const fresh = rig({ answers: [GOOD] });
    fresh.login.required(PROXY, GOOD);
    await fresh.login.settled();
    expect(fresh.asked).toEqual([]);
  });

  it('a dialog that cannot be shown counts as cancelled: logged, not shown again until the settings change', async () => {
    const r = rig({ answers: [new TypeError('no window'), GOOD] });
    r.login.required(PROXY, null);
    await r.login.settled();
    expect(r.log).toEqual([
      ['warn', 'the proxy sign-in dialog could not be shown', { error: 'TypeError' }],
      ['info', 'no credentials given for the proxy; not asking again until the proxy settings change', { proxy: PROXY }],
    ]);
    r.login.required(PROXY, null);
    await r.login.settled();
    expect(r.asked).toHaveLength(1);
    // Another proxy is asked for all the same.
    r.login.required('http://other.intra:3128', null);
    await r.login.settled();
    expect(r.asked.map((a) => a.proxy)).toEqual([PROXY, 'http://other.intra:3128']);
    expect(r.store.value).toEqual({ proxy: 'http://other.intra:3128', ...GOOD });
    // A dialog that fails without even an error is a cancel too, not a crash.
    const odd = rig();
    const login = new ProxyLogin({ store: odd.store, ask: () => Promise.reject(undefined), onChange: () => undefined, logger: { debug() {}, info() {}, warn: (message, fields) => void odd.log.push(['warn', message, fields]), error() {} } });
    login.required(PROXY, null);
    await login.settled();
    expect(odd.log).toEqual([['warn', 'the proxy sign-in dialog could not be shown', { error: undefined }]]);
  });

  it('while a dialog is open no second one opens; after it closes a new 407 may ask again', async () => {
    let answer: (value: ProxyCredentials | null) => void = () => undefined;
    const asked: ProxyLoginRequest[] = [];
    const store = { value: null as SavedProxyLogin | null, load: () => store.value, save: (v: SavedProxyLogin) => void (store.value = v), clear: () => void (store.value = null) };
    const login = new ProxyLogin({ store, ask: (request) => (asked.push(request), new Promise((resolve) => (answer = resolve))), onChange: () => undefined });
    let settled = false;
    login.required(PROXY, null);
    void login.settled().then(() => (settled = true));
    login.required('http://other.intra:3128', null);
    await Promise.resolve();
    expect(asked).toHaveLength(1);
    expect(settled).toBe(false);
    answer({ username: 'nurse', password: 'wrong' });
    await login.settled();
    expect(settled).toBe(true);
    login.required(PROXY, { username: 'nurse', password: 'wrong' });
    expect(asked).toEqual([
      { proxy: PROXY, refused: false },
      { proxy: PROXY, refused: true },
    ]);
  });

  it('changing the proxy settings forgets the credentials and the cancelled dialogs; with nothing saved the store is left alone', async () => {
    const r = rig({ answers: [null, GOOD] });
    r.login.required(PROXY, null);
    await r.login.settled();
    r.login.reset();
    expect(r.events).toEqual([]);
    r.login.required(PROXY, null);
    await r.login.settled();
    expect(r.asked).toHaveLength(2);
    r.login.reset();
    expect(r.store.value).toBeNull();
    expect(r.login.saved).toBeNull();
    expect(r.events).toEqual(['save', 'change', 'clear']);
  });
});
