/**
 * When the app asks for proxy credentials (the decision in core; main only shows
 * the dialog): against a real tinyproxy with Basic auth, over the real network port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork, type Network, type ProxyCredentials } from '../../../src/core/network/network';
import { ProxyLogin, type ProxyLoginRequest, type SavedProxyLogin } from '../../../src/core/network/proxyLogin';
import { fixedProxy } from '../../../src/core/network/proxyRules';
import { readCaFile } from '../../../src/core/network/trust';
import { makeCertificates, type TestCertificates } from '../../support/certificates';
import { makeTempDir, type TempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { startTinyproxy, type Tinyproxy } from '../../support/tinyproxy';
import { tryUpload } from './networkRig';

let dir: TempDir;
let certs: TestCertificates;
beforeAll(async () => {
  dir = await makeTempDir('intake-proxy-login-');
  certs = makeCertificates(dir.path);
});
afterAll(() => dir.remove());

const GOOD = { username: 'nurse', password: 's3cret' };

/** A ProxyLogin over a memory store, answering the dialog from a script; the network is rebuilt on each change as main does. */
function rig(proxy: Tinyproxy, answers: Array<ProxyCredentials | null>, extraCa: string[] = []) {
  const asked: ProxyLoginRequest[] = [];
  const store = { value: null as SavedProxyLogin | null, load: () => store.value, save: (v: SavedProxyLogin) => void (store.value = v), clear: () => void (store.value = null) };
  let network: Network;
  const build = () => createNetwork({ proxy: fixedProxy(proxy.url), extraCa, proxyCredentials: (p) => login.credentials(p), onProxyAuthRequired: (p, sent) => login.required(p, sent) });
  /** The dialog stays open until the test answers it. */
  let answer = (): void => undefined;
  const login: ProxyLogin = new ProxyLogin({
    store,
    ask: (request) => {
      asked.push(request);
      return new Promise((resolve) => (answer = () => resolve(answers.shift() ?? null)));
    },
    onChange: () => {
      void network.close();
      network = build();
    },
  });
  network = build();
  const answered = async (): Promise<void> => {
    answer();
    await login.settled();
  };
  return { login, asked, store, answered, network: () => network, close: () => network.close() };
}

describe('proxy credentials in the app (decision in core)', () => {
  it('a 407 asks once; with the answer the next upload goes through, and the credentials are stored for that proxy', async () => {
    const proxy = await startTinyproxy({ dir: dir.path, auth: GOOD });
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const r = rig(proxy, [GOOD], await readCaFile(certs.caFile));
    expect(await tryUpload(server.url, r.network())).toMatchObject({ kind: 'http', httpStatus: 407, message: expect.stringContaining(`The proxy ${proxy.url} wants credentials`) });
    // The dialog is still open: another 407 opens no second one.
    expect(await tryUpload(server.url, r.network())).toMatchObject({ kind: 'http', httpStatus: 407 });
    await r.answered();
    expect(r.asked).toEqual([{ proxy: proxy.url, refused: false }]);
    expect(r.store.value).toEqual({ proxy: proxy.url, ...GOOD });
    expect(await tryUpload(server.url, r.network())).toMatchObject({ kind: 'accepted' });
    expect(r.login.credentials('http://other.proxy:8080')).toBeNull();
    await r.close();
  });

  it('a wrong password is forgotten and asked for again, saying it was refused', async () => {
    const proxy = await startTinyproxy({ dir: dir.path, auth: GOOD });
    // HTTPS: a CONNECT tunnel, which tinyproxy refuses with 401 for wrong credentials (407 for none).
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const r = rig(proxy, [{ username: 'nurse', password: 'wrong' }, GOOD], await readCaFile(certs.caFile));
    await tryUpload(server.url, r.network());
    await r.answered();
    expect(r.store.value?.password).toBe('wrong');
    expect(await tryUpload(server.url, r.network())).toMatchObject({ kind: 'http', code: 'proxy_auth', message: expect.stringContaining('did not accept the credentials') });
    expect(r.store.value).toBeNull();
    await r.answered();
    expect(r.asked.map((a) => a.refused)).toEqual([false, true]);
    expect(r.store.value?.password).toBe('s3cret');
    expect(await tryUpload(server.url, r.network())).toMatchObject({ kind: 'accepted' });
    await r.close();
  });

  it('a cancelled dialog is not shown again for that proxy until the proxy settings change', async () => {
    const proxy = await startTinyproxy({ dir: dir.path, auth: GOOD });
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const r = rig(proxy, [null, GOOD], await readCaFile(certs.caFile));
    await tryUpload(server.url, r.network());
    await r.answered();
    await tryUpload(server.url, r.network());
    await r.login.settled();
    expect(r.asked).toHaveLength(1);
    r.login.reset();
    await tryUpload(server.url, r.network());
    await r.answered();
    expect(r.asked).toHaveLength(2);
    expect(await tryUpload(server.url, r.network())).toMatchObject({ kind: 'accepted' });
    await r.close();
  });

  it('a 407 for credentials already replaced is ignored; changing the proxy settings forgets saved ones', () => {
    const asked: ProxyLoginRequest[] = [];
    const store = { value: { proxy: 'http://p:3128', ...GOOD } as SavedProxyLogin | null, load: () => store.value, save: () => undefined, clear: () => void (store.value = null) };
    const login = new ProxyLogin({ store, ask: async (request) => (asked.push(request), null), onChange: () => undefined });
    expect(login.credentials('http://p:3128')).toEqual(GOOD);
    login.required('http://p:3128', { username: 'nurse', password: 'older' });
    expect(asked).toEqual([]);
    expect(login.credentials('http://p:3128')).toEqual(GOOD);
    login.reset();
    expect(login.credentials('http://p:3128')).toBeNull();
    expect(store.value).toBeNull();
  });
});
