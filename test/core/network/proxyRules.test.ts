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
});
