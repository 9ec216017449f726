import { describe, expect, it } from 'vitest';
import { describeNetworkProblem, proxyStatusProblem } from '../../../src/core/network/networkProblem';
import { pacResolver, proxyFromPacAnswer } from '../../../src/core/network/pacAnswer';

const server = new URL('https://records.example.org:8443/api');
const direct = { server, proxy: null };
const viaProxy = { server, proxy: 'http://proxy.example:3128' };

/** An error as fetch gives it: a TypeError wrapping the socket's coded error. */
function fetchError(code: string, extra: Record<string, unknown> = {}): Error {
  const socket = Object.assign(new Error(`socket said ${code}`), { code, ...extra });
  return new TypeError('fetch failed', { cause: socket });
}

describe('describeNetworkProblem: one message per step, naming what to fix', () => {
  it('DNS: the server name, or the proxy when one is in use', () => {
    expect(describeNetworkProblem(fetchError('ENOTFOUND'), direct)).toEqual({
      step: 'dns',
      message: 'The name records.example.org could not be resolved (DNS). Check the server URL and the network.',
    });
    expect(describeNetworkProblem(fetchError('EAI_AGAIN'), direct).step).toBe('dns');
    expect(describeNetworkProblem(fetchError('ENOTFOUND'), viaProxy)).toEqual({
      step: 'proxy',
      message: 'The proxy http://proxy.example:3128 could not be found (DNS). Check the proxy setting.',
    });
  });

  it('connect: refused, cut or too slow, said as such', () => {
    expect(describeNetworkProblem(fetchError('ECONNREFUSED'), direct)).toEqual({
      step: 'connect',
      message: 'The server records.example.org:8443 refused the connection (is it running?).',
    });
    for (const code of ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']) {
      expect(describeNetworkProblem(fetchError(code), direct).message).toBe('The server records.example.org:8443 cut the connection (is it running?).');
    }
    for (const code of ['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']) {
      expect(describeNetworkProblem(fetchError(code), direct).message).toBe('The server records.example.org:8443 did not answer in time (is it running?).');
    }
  });

  it('through a proxy: the proxy is blamed only when the failing socket is the proxy\'s', () => {
    expect(describeNetworkProblem(fetchError('ECONNREFUSED', { port: 3128 }), viaProxy)).toEqual({
      step: 'proxy',
      message: 'The proxy http://proxy.example:3128 refused the connection (is it running, is the proxy setting right?).',
    });
    expect(describeNetworkProblem(fetchError('ECONNREFUSED'), viaProxy).step).toBe('proxy');
    expect(describeNetworkProblem(fetchError('ECONNRESET', { port: 8443 }), viaProxy)).toEqual({
      step: 'connect',
      message: 'The server records.example.org:8443 cut the connection (through the proxy http://proxy.example:3128) (is it running?).',
    });
    // A proxy URL without a port: its scheme's default port is the proxy's.
    const httpsProxy = { server, proxy: 'https://proxy.example' };
    expect(describeNetworkProblem(fetchError('ECONNREFUSED', { port: 443 }), httpsProxy).step).toBe('proxy');
    expect(describeNetworkProblem(fetchError('ECONNREFUSED', { port: 80 }), httpsProxy).step).toBe('connect');
    const httpProxy = { server, proxy: 'http://proxy.example' };
    expect(describeNetworkProblem(fetchError('ECONNREFUSED', { port: '80' }), httpProxy).step).toBe('proxy');
  });

  it('TLS: expired, not yet valid, unknown authority, wrong name, anything else', () => {
    expect(describeNetworkProblem(fetchError('CERT_HAS_EXPIRED'), direct)).toEqual({
      step: 'tls',
      message: "The certificate of records.example.org:8443 has expired. The server's administrator must renew it (or check this computer's clock).",
    });
    expect(describeNetworkProblem(fetchError('CERT_NOT_YET_VALID'), direct).message).toContain('is not valid yet');
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']) {
      const problem = describeNetworkProblem(fetchError(code), direct);
      expect(problem.step).toBe('tls');
      expect(problem.message).toContain(`signed by an unknown authority (${code})`);
      expect(problem.message).toContain('custom CA');
    }
    expect(describeNetworkProblem(fetchError('ERR_TLS_CERT_ALTNAME_INVALID'), direct)).toEqual({
      step: 'tls',
      message: "The certificate of records.example.org:8443 is for another host name. Use the server's name as its certificate gives it, or ask its administrator for a certificate that names records.example.org.",
    });
    for (const code of ['ERR_TLS_HANDSHAKE_TIMEOUT', 'ERR_SSL_WRONG_VERSION_NUMBER', 'CERT_SIGNATURE_FAILURE_TLS', 'bad_certificate']) {
      expect(describeNetworkProblem(fetchError(code), direct)).toEqual({ step: 'tls', message: `The secure connection to records.example.org:8443 failed (${code}).` });
    }
  });

  it('a proxy status inside the error text becomes the proxy step', () => {
    const refused = new TypeError('fetch failed', { cause: new Error('Proxy response (403) !== 200 when HTTP Tunneling') });
    expect(describeNetworkProblem(refused, viaProxy)).toEqual(proxyStatusProblem(403, viaProxy));
    const auth = new Error('Proxy Authentication Required (407)');
    expect(describeNetworkProblem(auth, viaProxy).step).toBe('proxy_auth');
  });

  it('the innermost coded error decides; an abort code and numeric codes are passed over', () => {
    const inner = Object.assign(new Error('inner'), { code: 'ECONNREFUSED' });
    const aborted = Object.assign(new Error('aborted', { cause: inner }), { code: 'UND_ERR_ABORTED' });
    const dom = Object.assign(new Error('dom', { cause: aborted }), { code: 20 });
    expect(describeNetworkProblem(dom, direct).message).toBe('The server records.example.org:8443 refused the connection (is it running?).');
  });

  it('an outer code speaks when the innermost error has none, is an abort, or is numeric', () => {
    const cut = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed', { cause: new Error('read 0 bytes') }), { code: 'UND_ERR_SOCKET' }) });
    expect(describeNetworkProblem(cut, direct).message).toBe('The server records.example.org:8443 cut the connection (is it running?).');
    const abortedInside = Object.assign(new Error('timed out', { cause: Object.assign(new Error('aborted'), { code: 'UND_ERR_ABORTED' }) }), { code: 'ETIMEDOUT' });
    expect(describeNetworkProblem(abortedInside, direct).message).toBe('The server records.example.org:8443 did not answer in time (is it running?).');
    const numericInside = Object.assign(new Error('refused', { cause: Object.assign(new Error('dom'), { code: 23 }) }), { code: 'ECONNREFUSED' });
    expect(describeNetworkProblem(numericInside, direct).step).toBe('connect');
    expect(describeNetworkProblem(numericInside, direct).message).toContain('refused the connection');
  });

  it('an error that is its own cause is read once, not forever', () => {
    const loop = Object.assign(new Error('loop'), { code: 'ECONNRESET' });
    (loop as { cause?: unknown }).cause = loop;
    expect(describeNetworkProblem(loop, direct).message).toBe('The server records.example.org:8443 cut the connection (is it running?).');
  });

  it('anything else: the code, or the message, or the value itself', () => {
    expect(describeNetworkProblem(fetchError('EHOSTUNREACH'), direct)).toEqual({ step: 'connect', message: 'Could not reach records.example.org:8443: EHOSTUNREACH.' });
    expect(describeNetworkProblem(new Error('socket hang up'), direct)).toEqual({ step: 'connect', message: 'Could not reach records.example.org:8443: socket hang up.' });
    expect(describeNetworkProblem('plain text', direct)).toEqual({ step: 'connect', message: 'Could not reach records.example.org:8443: plain text.' });
  });
});

describe('proxyStatusProblem', () => {
  it('407 asks for credentials and says where to give them; other statuses ask the IT desk; an unknown proxy is not named', () => {
    expect(proxyStatusProblem(407, viaProxy)).toEqual({
      step: 'proxy_auth',
      message:
        "The proxy http://proxy.example:3128 wants credentials (HTTP 407) before it lets Intake reach records.example.org:8443. Give them in the proxy URL (http://user:password@host:port), in INTAKE_PROXY_CREDENTIALS, or in the app's proxy dialog.",
    });
    expect(proxyStatusProblem(401, viaProxy)).toEqual({
      step: 'proxy_auth',
      message: 'The proxy http://proxy.example:3128 did not accept the credentials (HTTP 401) for the way to records.example.org:8443. Check the user name and password for the proxy.',
    });
    expect(proxyStatusProblem(403, { server, proxy: null })).toEqual({
      step: 'proxy',
      message: 'The proxy refused the way to records.example.org:8443 (HTTP 403). Ask your IT desk to allow it.',
    });
  });
});

describe('PAC answers (the app\'s System proxy)', () => {
  it('the first usable entry wins; DIRECT first means no proxy', () => {
    expect(proxyFromPacAnswer('PROXY proxy.example:3128; DIRECT')).toBe('http://proxy.example:3128');
    expect(proxyFromPacAnswer('HTTP a:1')).toBe('http://a:1');
    expect(proxyFromPacAnswer('  https secure.example:443 ;PROXY b:2')).toBe('https://secure.example:443');
    expect(proxyFromPacAnswer('DIRECT; PROXY proxy.example:3128')).toBeNull();
    expect(proxyFromPacAnswer('direct')).toBeNull();
    // Some PAC scripts pad with several spaces or tabs between the kind and the address.
    expect(proxyFromPacAnswer('PROXY  \t proxy.example:3128; DIRECT')).toBe('http://proxy.example:3128');
  });

  it('SOCKS and entries without an address are passed over; nothing usable goes direct', () => {
    expect(proxyFromPacAnswer('SOCKS5 s:1080; PROXY p:8080')).toBe('http://p:8080');
    expect(proxyFromPacAnswer('PROXY; HTTPS; HTTP h:3')).toBe('http://h:3');
    expect(proxyFromPacAnswer('SOCKS s:1080')).toBeNull();
    expect(proxyFromPacAnswer('')).toBeNull();
  });

  it('a resolver asks for the full URL and reads the answer', async () => {
    const asked: string[] = [];
    const resolve = pacResolver(async (url) => {
      asked.push(url);
      return 'PROXY pac.example:8080';
    });
    expect(await resolve(new URL('https://records.example.org/api/documents'))).toBe('http://pac.example:8080');
    expect(asked).toEqual(['https://records.example.org/api/documents']);
  });
});
