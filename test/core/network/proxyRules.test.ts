import { describe, expect, it } from 'vitest';
import { bypassList, environmentProxy, fixedProxy } from '../../../src/core/network/proxyRules';

const at = (text: string) => new URL(text);

describe('proxy rules', () => {
  it('an explicit proxy takes every URL, loopback included, unless a bypass entry matches', async () => {
    const all = fixedProxy('http://proxy:3128');
    expect(await all(at('http://127.0.0.1:9/api'))).toBe('http://proxy:3128');
    const manual = fixedProxy('http://proxy:3128', bypassList('localhost, .intra.example ,10.0.0.5:8443'));
    expect(await manual(at('https://localhost:1/api'))).toBeNull();
    expect(await manual(at('https://records.intra.example/api'))).toBeNull();
    expect(await manual(at('https://intra.example/api'))).toBeNull();
    expect(await manual(at('https://10.0.0.5:8443/api'))).toBeNull();
    expect(await manual(at('https://10.0.0.5/api'))).toBe('http://proxy:3128');
    expect(await manual(at('https://notintra.example/api'))).toBe('http://proxy:3128');
  });

  it('reads the environment as curl does: per scheme, lower case first, NO_PROXY exceptions', async () => {
    const env = environmentProxy({ HTTPS_PROXY: 'https-proxy:8080', http_proxy: 'http://lower:1', HTTP_PROXY: 'http://upper:2', NO_PROXY: 'skip.example,*.other.example' });
    expect(await env(at('https://ai.example/api'))).toBe('http://https-proxy:8080');
    expect(await env(at('wss://ai.example/api/ws'))).toBe('http://https-proxy:8080');
    expect(await env(at('http://ai.example/api'))).toBe('http://lower:1');
    expect(await env(at('ws://ai.example/api/ws'))).toBe('http://lower:1');
    expect(await env(at('https://a.skip.example/api'))).toBeNull();
    expect(await env(at('https://b.other.example/api'))).toBeNull();
    expect(await environmentProxy({ ALL_PROXY: 'http://all:3' })(at('https://x.example'))).toBe('http://all:3');
    expect(await environmentProxy({ HTTPS_PROXY: 'http://p:1', no_proxy: '*' })(at('https://x.example'))).toBeNull();
    expect(await environmentProxy({})(at('https://x.example'))).toBeNull();
    // An empty lower-case variable does not hide the upper-case one.
    expect(await environmentProxy({ https_proxy: '', HTTPS_PROXY: 'http://upper:4' })(at('https://x.example'))).toBe('http://upper:4');
  });

  it('a bypass entry with a port bypasses only that port, the scheme giving the port when the URL has none', async () => {
    const manual = fixedProxy('http://proxy:3128', bypassList('records.intra:443 files.intra:80'));
    expect(await manual(at('https://records.intra/api'))).toBeNull();
    expect(await manual(at('wss://records.intra/api/ws'))).toBeNull();
    expect(await manual(at('http://records.intra/api'))).toBe('http://proxy:3128');
    expect(await manual(at('http://files.intra/api'))).toBeNull();
    expect(await manual(at('ws://files.intra/api/ws'))).toBeNull();
    expect(await manual(at('https://files.intra/api'))).toBe('http://proxy:3128');
  });

  it('bypass entries are read without regard to case, IPv6 addresses in brackets, and an entry that is no host is ignored', async () => {
    const manual = fixedProxy('http://proxy:3128', bypassList('Records.INTRA, [::1]:8443, [fd00::5], intra:https, :443'));
    expect(await manual(at('https://records.intra/api'))).toBeNull();
    expect(await manual(at('https://[::1]:8443/api'))).toBeNull();
    expect(await manual(at('https://[::1]:9443/api'))).toBe('http://proxy:3128');
    expect(await manual(at('https://[fd00::5]/api'))).toBeNull();
    // "intra:https" and ":443" name no host and port: they bypass nothing (and break nothing).
    expect(await manual(at('https://intra/api'))).toBe('http://proxy:3128');
    expect(await manual(at('https://other.example/api'))).toBe('http://proxy:3128');
  });

  it('the environment: ALL_PROXY serves plain http too, a proxy given with its scheme keeps it, blank values count as unset', async () => {
    expect(await environmentProxy({ ALL_PROXY: 'all:3' })(at('http://x.example'))).toBe('http://all:3');
    expect(await environmentProxy({ all_proxy: 'http://all:3', HTTP_PROXY: 'http://plain:1' })(at('http://x.example'))).toBe('http://plain:1');
    expect(await environmentProxy({ https_proxy: 'https://secure.intra:443' })(at('https://x.example'))).toBe('https://secure.intra:443');
    expect(await environmentProxy({ https_proxy: 'HTTPS://secure.intra:443' })(at('https://x.example'))).toBe('HTTPS://secure.intra:443');
    expect(await environmentProxy({ https_proxy: '  ', HTTPS_PROXY: ' http://upper:4 ' })(at('https://x.example'))).toBe('http://upper:4');
    expect(await environmentProxy({ https_proxy: '   ' })(at('https://x.example'))).toBeNull();
    // A proxy for https only: plain http goes direct.
    expect(await environmentProxy({ https_proxy: 'http://p:1' })(at('http://x.example'))).toBeNull();
    // A NO_PROXY entry that names no host is ignored, the others still apply.
    const odd = environmentProxy({ HTTPS_PROXY: 'http://p:1', NO_PROXY: ':443 intra:https skip.example' });
    expect(await odd(at('https://x.example'))).toBe('http://p:1');
    expect(await odd(at('https://skip.example'))).toBeNull();
    // no_proxy (lower case) is honoured for plain http as well.
    expect(await environmentProxy({ http_proxy: 'http://p:1', no_proxy: 'x.example' })(at('http://x.example'))).toBeNull();
    expect(await environmentProxy({ http_proxy: 'http://p:1', no_proxy: 'x.example' })(at('http://y.example'))).toBe('http://p:1');
  });

  it('a bypass list is split at commas and any white space, empty entries dropped', () => {
    expect(bypassList(' localhost,,.intra.example\t10.0.0.5:8443\n , ')).toEqual(['localhost', '.intra.example', '10.0.0.5:8443']);
    expect(bypassList('')).toEqual([]);
  });
});
