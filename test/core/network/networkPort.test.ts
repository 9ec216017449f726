/**
 * The network port itself, over a real tinyproxy and a plain local server: which proxy each
 * URL takes and what the app may show of it (never credentials), what node:http and ws are
 * given (agent, trusted CAs), fetch forwarded or direct, which credentials a proxy gets, who
 * hears of a 407, and a refused tunnel told apart from the server's own answer.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { answeredByProxy, createNetwork, defaultNetwork, type ProxyCredentials } from '../../../src/core/network/network';
import { makeTempDir, type TempDir } from '../../support/files';
import { startTinyproxy } from '../../support/tinyproxy';
import { FIXED_CA, FIXED_SERVER } from './fixedTls';

let dir: TempDir;
let server: http.Server;
let base: string;
let sockets: WebSocketServer;
const seen: string[] = [];
const echoed: Array<{ line: string; header: string | string[] | undefined; body: string }> = [];
beforeAll(async () => {
  dir = await makeTempDir('intake-network-port-');
  server = http.createServer(async (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/api/echo') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      echoed.push({ line: `${req.method} ${req.url}`, header: req.headers['x-intake-test'], body: Buffer.concat(chunks).toString() });
    }
    res.setHeader('content-type', 'application/json');
    res.statusCode = req.url === '/api/forbidden' ? 403 : 200;
    res.end('{"ok":true}');
  });
  sockets = new WebSocketServer({ server, path: '/api/ws' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sockets.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await dir.remove();
});

/** One request over node:http with the network's options for its URL: the status, and whether the proxy answered it. */
function nodeGet(network: ReturnType<typeof createNetwork>, url: string): Promise<{ status: number; byProxy: boolean }> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? https : http).get(url, network.nodeOptions(new URL(url)), (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, byProxy: answeredByProxy(request) });
    });
    request.on('error', reject);
  });
}

/** A WebSocket through the network: 'open', or the refusal's status and whether the proxy gave it. */
function openSocket(network: ReturnType<typeof createNetwork>, url: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, network.nodeOptions(new URL(url)));
    socket.once('open', () => (socket.close(), resolve('open')));
    socket.once('unexpected-response', (request, response) => resolve(`${response.statusCode} ${answeredByProxy(request) ? 'from the proxy' : 'from the server'}`));
    socket.once('error', (error) => resolve(`error ${error.message}`));
  });
}

describe('the network port', () => {
  it('which proxy a URL takes, as the app may show it: never the credentials, and nothing before a decision', async () => {
    const network = createNetwork({ proxy: async (url) => (url.hostname === 'records.intra' ? 'http://nurse:s3cret@proxy.intra:3128' : null) });
    const records = new URL('https://records.intra/api/documents');
    expect(network.proxyInUse(records)).toBeNull();
    expect(await network.proxyFor(records)).toBe('http://proxy.intra:3128');
    expect(network.proxyInUse(new URL('https://records.intra/api/ws'))).toBe('http://proxy.intra:3128');
    expect(await network.proxyFor(new URL('https://files.intra/api'))).toBeNull();
    expect(network.proxyInUse(new URL('https://files.intra/api'))).toBeNull();
    await network.close();
  });

  it('what node:http and ws are given: nothing of ours when direct with Node\'s roots; else one agent per kind of scheme and the CA list', async () => {
    expect(createNetwork().nodeOptions(new URL('https://records.intra/api'))).toEqual({});
    expect(createNetwork({ extraCa: [] }).nodeOptions(new URL('https://records.intra/api'))).toEqual({});
    // Parts built without a network get one shared direct network with Node's own agents.
    expect(defaultNetwork()).toBe(defaultNetwork());
    expect(defaultNetwork().nodeOptions(new URL('https://records.intra/api'))).toEqual({});
    expect(await defaultNetwork().proxyFor(new URL('https://records.intra/api'))).toBeNull();
    const custom = '-----BEGIN CERTIFICATE-----\nclinic\n-----END CERTIFICATE-----';
    const trusting = createNetwork({ extraCa: [custom] });
    const https = trusting.nodeOptions(new URL('https://records.intra/api'));
    expect(https.ca).toEqual([...tls.rootCertificates, custom]);
    expect(trusting.nodeOptions(new URL('wss://records.intra/api/ws')).agent).toBe(https.agent);
    const plain = trusting.nodeOptions(new URL('http://records.intra/api'));
    expect(plain.agent).toBeDefined();
    expect(plain.agent).not.toBe(https.agent);
    expect(trusting.nodeOptions(new URL('ws://records.intra/api/ws')).agent).toBe(plain.agent);
    const proxied = createNetwork({ proxy: async () => null }).nodeOptions(new URL('https://records.intra/api'));
    expect(proxied.agent).toBeDefined();
    expect('ca' in proxied).toBe(false);
    await trusting.close();
  });

  it('plain http through a proxy is forwarded (fetch and node:http), the WebSocket tunnelled, a bypassed URL goes direct', async () => {
    const proxy = await startTinyproxy({ dir: dir.path });
    const port = new URL(base).port;
    const network = createNetwork({ proxy: async (url) => (url.pathname.startsWith('/direct') ? null : proxy.url) });
    try {
      expect((await network.fetch(`${base}/api/fetched`)).status).toBe(200);
      expect(proxy.log()).toContain(`GET ${base}/api/fetched`);
      expect(await nodeGet(network, `${base}/api/node`)).toEqual({ status: 200, byProxy: false });
      expect(proxy.log()).toContain(`GET ${base}/api/node`);
      // Asked again for the same origin (a URL, a Request): sent at once on the known decision.
      expect((await network.fetch(new URL(`${base}/api/again`))).status).toBe(200);
      expect(proxy.log()).toContain(`GET ${base}/api/again`);
      expect((await network.fetch(new Request(`${base}/api/request`))).status).toBe(200);
      expect(proxy.log()).toContain(`GET ${base}/api/request`);
      expect(await openSocket(network, `ws://127.0.0.1:${port}/api/ws`)).toBe('open');
      expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${port}`);
      expect(await nodeGet(network, `${base}/direct/node`)).toEqual({ status: 200, byProxy: false });
      expect((await network.fetch(`${base}/direct/fetched`)).status).toBe(200);
      expect(seen).toEqual(expect.arrayContaining(['GET /direct/node', 'GET /direct/fetched']));
      expect(proxy.log()).not.toContain('/direct/');
    } finally {
      await network.close();
      await proxy.stop();
    }
  });

  it('a changed PAC answer: the request under way keeps the known decision, the next one follows the new answer', async () => {
    const proxy = await startTinyproxy({ dir: dir.path });
    const answers = [proxy.url, null];
    const asked: string[] = [];
    const network = createNetwork({ proxy: async (url) => (asked.push(url.pathname), answers.length > 1 ? answers.shift()! : answers[0]!) });
    try {
      expect((await network.fetch(`${base}/pac/first`)).status).toBe(200);
      expect((await network.fetch(`${base}/pac/second`)).status).toBe(200);
      expect((await network.fetch(`${base}/pac/third`)).status).toBe(200);
      expect(asked).toEqual(['/pac/first', '/pac/second', '/pac/third']);
      expect(proxy.log()).toContain(`GET ${base}/pac/first`);
      expect(proxy.log()).toContain(`GET ${base}/pac/second`);
      expect(proxy.log()).not.toContain('/pac/third');
      expect(seen).toContain('GET /pac/third');
    } finally {
      await network.close();
      await proxy.stop();
    }
  });

  it('a refused tunnel is the proxy\'s answer, a 403 from the server is not', async () => {
    const proxy = await startTinyproxy({ dir: dir.path, extra: ['ConnectPort 443'] });
    const port = new URL(base).port;
    const required: string[] = [];
    const network = createNetwork({ proxy: async () => proxy.url, onProxyAuthRequired: (p) => void required.push(p) });
    try {
      expect(await openSocket(network, `ws://127.0.0.1:${port}/api/ws`)).toBe('403 from the proxy');
      expect(await nodeGet(network, `${base}/api/forbidden`)).toEqual({ status: 403, byProxy: false });
      // A refusal is no request for credentials.
      expect(required).toEqual([]);
    } finally {
      await network.close();
      await proxy.stop();
    }
    // Through a tunnel that opened, the server's own refusal is the server's.
    const open = await startTinyproxy({ dir: dir.path });
    const tunnelled = createNetwork({ proxy: async () => open.url });
    try {
      expect(await openSocket(tunnelled, `ws://127.0.0.1:${port}/api/forbidden`)).toBe('400 from the server');
    } finally {
      await tunnelled.close();
      await open.stop();
    }
    const direct = createNetwork({ proxy: async () => null });
    expect(await openSocket(direct, `ws://127.0.0.1:${port}/api/forbidden`)).toBe('400 from the server');
    await direct.close();
  });

  it('credentials: those in the proxy URL win, else the configured ones, read once per proxy; a 407 is told with what was sent', async () => {
    const wrongOnes = { username: 'ward nurse', password: 'p@ss:word' };
    const right = { username: 'nurse', password: 's3cret' };
    const proxy = await startTinyproxy({ dir: dir.path, auth: right });
    const secure = `https://127.0.0.1:${new URL(base).port}/api/secure`;
    const ws = `ws://127.0.0.1:${new URL(base).port}/api/ws`;
    const required: Array<[string, ProxyCredentials | null]> = [];
    const onProxyAuthRequired = (p: string, sent: ProxyCredentials | null) => void required.push([p, sent]);
    let asked = 0;
    const none = createNetwork({ proxy: async () => proxy.url, onProxyAuthRequired });
    const configured = createNetwork({ proxy: async () => proxy.url, proxyCredentials: (p) => (asked++, p === proxy.url ? right : null) });
    const wrong = createNetwork({ proxy: async () => proxy.url, proxyCredentials: () => wrongOnes, onProxyAuthRequired });
    const inUrl = createNetwork({ proxy: async () => `http://nurse:${encodeURIComponent(right.password)}@127.0.0.1:${proxy.port}`, proxyCredentials: () => wrongOnes, onProxyAuthRequired });
    const wrongInUrl = createNetwork({ proxy: async () => `http://ward%20nurse:p%40ss%3Aword@127.0.0.1:${proxy.port}`, onProxyAuthRequired });
    try {
      // undici refuses a forwarded request's 407 with an error, not a response: told all the same.
      await expect(none.fetch(`${base}/api/one`)).rejects.toThrow('fetch failed');
      expect((await nodeGet(none, `${base}/api/two`)).status).toBe(407);
      expect(await openSocket(none, ws)).toBe('407 from the proxy');
      expect(required).toEqual([
        [proxy.url, null],
        [proxy.url, null],
        [proxy.url, null],
      ]);
      expect((await configured.fetch(`${base}/api/three`)).status).toBe(200);
      expect((await nodeGet(configured, `${base}/api/four`)).status).toBe(200);
      expect(await openSocket(configured, ws)).toBe('open');
      expect(asked).toBe(1);
      expect((await inUrl.fetch(`${base}/api/five`)).status).toBe(200);
      expect(await openSocket(inUrl, ws)).toBe('open');
      // Wrong credentials on a tunnel: tinyproxy says 401, which counts as the proxy's refusal there.
      expect(await openSocket(wrong, ws)).toBe('401 from the proxy');
      expect(required).toHaveLength(4);
      expect(required[3]).toEqual([proxy.url, wrongOnes]);
      expect(await openSocket(wrongInUrl, ws)).toBe('401 from the proxy');
      expect(required[4]).toEqual([proxy.url, wrongOnes]);
      // A forwarded request's 401 may be the server's own (a wrong token): not taken for the proxy's.
      expect((await nodeGet(wrong, `${base}/api/six`)).status).toBe(401);
      expect(required).toHaveLength(5);
      // fetch over a CONNECT tunnel: undici throws the proxy's refusal (407 without, 401 for wrong credentials), told all the same.
      await expect(none.fetch(secure)).rejects.toThrow('fetch failed');
      expect(required[5]).toEqual([proxy.url, null]);
      await expect(wrong.fetch(secure)).rejects.toThrow('fetch failed');
      expect(required[6]).toEqual([proxy.url, wrongOnes]);
      expect(required).toHaveLength(7);
    } finally {
      await Promise.all([none.close(), configured.close(), wrong.close(), inUrl.close(), wrongInUrl.close()]);
      await proxy.stop();
    }
  });

  it('the resolver is asked with the full URL of each node:http request: IPv6 in brackets, the path, ws: for an upgrade', async () => {
    const asked: string[] = [];
    const network = createNetwork({ proxy: async (url) => (asked.push(url.href), null) });
    const port = new URL(base).port;
    try {
      expect((await nodeGet(network, `${base}/api/path?x=1`)).status).toBe(200);
      expect(await openSocket(network, `ws://127.0.0.1:${port}/api/ws`)).toBe('open');
      await nodeGet(network, `http://[::1]:${port}/api/six`).catch(() => undefined);
      // (No TLS server here: the secure socket fails after the resolver was asked.)
      await openSocket(network, `wss://127.0.0.1:${port}/api/ws`);
      expect(asked).toEqual([`${base}/api/path?x=1`, `ws://127.0.0.1:${port}/api/ws`, `http://[::1]:${port}/api/six`, `wss://127.0.0.1:${port}/api/ws`]);
    } finally {
      await network.close();
    }
  });

  it('close() ends the pooled connections (the engine\'s dispose leaves none open)', async () => {
    // Extra trust: even direct requests go through the network's own pool.
    const network = createNetwork({ extraCa: [...tls.rootCertificates.slice(0, 1)] });
    const open = new Set<Socket>();
    const track = (socket: Socket) => (open.add(socket), socket.once('close', () => open.delete(socket)));
    server.on('connection', track);
    // The server would keep an idle connection for a minute: only the client's close ends it sooner.
    const keepAlive = server.keepAliveTimeout;
    server.keepAliveTimeout = 60_000;
    try {
      expect((await network.fetch(`${base}/api/pooled`)).status).toBe(200);
      expect(open.size).toBe(1);
      const closed = Promise.all([...open].map((socket) => new Promise((resolve) => socket.once('close', resolve)))).then(() => 'closed');
      await network.close();
      expect(await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000, 'still open'))])).toBe('closed');
      expect(open.size).toBe(0);
    } finally {
      server.keepAliveTimeout = keepAlive;
      server.off('connection', track);
    }
  });

  it('a clinic CA: a server it signed is trusted directly and through a tunnel, by fetch, node:http and ws; without it, refused', async () => {
    const secure = https.createServer({ cert: FIXED_SERVER.cert, key: FIXED_SERVER.key }, (_req, res) => res.end('{}'));
    const secureSockets = new WebSocketServer({ server: secure, path: '/api/ws' });
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    const origin = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
    const proxy = await startTinyproxy({ dir: dir.path });
    const trusting = createNetwork({ extraCa: [FIXED_CA], proxy: async (url) => (url.pathname.startsWith('/tunnel') ? proxy.url : null) });
    const untrusting = createNetwork({ proxy: async () => null });
    try {
      expect((await trusting.fetch(`${origin}/direct`)).status).toBe(200);
      expect((await nodeGet(trusting, `${origin}/direct/node`)).status).toBe(200);
      expect(await openSocket(trusting, `wss://127.0.0.1:${new URL(origin).port}/api/ws`)).toBe('open');
      expect((await trusting.fetch(`${origin}/tunnel/fetch`)).status).toBe(200);
      expect((await nodeGet(trusting, `${origin}/tunnel/node`)).status).toBe(200);
      expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${new URL(origin).port}`);
      await expect(untrusting.fetch(`${origin}/direct`)).rejects.toThrow('fetch failed');
      await expect(nodeGet(untrusting, `${origin}/direct/node`)).rejects.toThrow(/self-signed|unable to verify|self signed/i);
    } finally {
      await Promise.all([trusting.close(), untrusting.close()]);
      await proxy.stop();
      secureSockets.close();
      secure.closeAllConnections();
      await new Promise((resolve) => secure.close(resolve));
    }
  });

  it('a PAC naming two proxies for two servers: each server\'s requests go through its own proxy', async () => {
    const other = http.createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const [first, second] = await Promise.all([startTinyproxy({ dir: dir.path }), startTinyproxy({ dir: dir.path })]);
    const network = createNetwork({ proxy: async (url) => (url.origin === base ? first.url : second.url) });
    try {
      expect((await network.fetch(`${base}/first/fetch`)).status).toBe(200);
      expect((await network.fetch(`${otherBase}/second/fetch`)).status).toBe(200);
      expect((await nodeGet(network, `${base}/first/node`)).status).toBe(200);
      expect((await nodeGet(network, `${otherBase}/second/node`)).status).toBe(200);
      expect(first.log()).toContain('/first/fetch');
      expect(first.log()).toContain('/first/node');
      expect(first.log()).not.toContain('/second/');
      expect(second.log()).toContain('/second/fetch');
      expect(second.log()).toContain('/second/node');
      expect(second.log()).not.toContain('/first/');
    } finally {
      await network.close();
      await Promise.all([first.stop(), second.stop()]);
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('a Request keeps its method, headers and body through a proxy, as with fetch itself', async () => {
    const proxy = await startTinyproxy({ dir: dir.path });
    const network = createNetwork({ proxy: async () => proxy.url });
    try {
      const request = new Request(`${base}/api/echo`, { method: 'PUT', headers: { 'x-intake-test': 'kept' }, body: 'chart scan' });
      const response = await network.fetch(request);
      expect(await response.json()).toEqual({ ok: true });
      expect(echoed.at(-1)).toEqual({ line: 'PUT /api/echo', header: 'kept', body: 'chart scan' });
      // init still wins over the Request, as in fetch.
      await network.fetch(new Request(`${base}/api/echo`, { method: 'PUT', body: 'old' }), { method: 'POST', body: 'new' });
      expect(echoed.at(-1)).toMatchObject({ line: 'POST /api/echo', body: 'new' });
    } finally {
      await network.close();
      await proxy.stop();
    }
  });

  it('a 407 without anyone listening for it is still an answer, not a crash', async () => {
    const proxy = await startTinyproxy({ dir: dir.path, auth: { username: 'nurse', password: 's3cret' } });
    const network = createNetwork({ proxy: async () => proxy.url });
    try {
      expect((await nodeGet(network, `${base}/api/unheard`)).status).toBe(407);
      await expect(network.fetch(`${base}/api/unheard`)).rejects.toThrow('fetch failed');
    } finally {
      await network.close();
      await proxy.stop();
    }
  });
});
