/**
 * `intake doctor` / Settings → Test connection against the real reference
 * server: each step passed, the failing one named with what to do, the rest
 * skipped (not pretended).
 */
import http from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor, type CheckResult } from '../../../src/core/network/doctor';
import { createNetwork } from '../../../src/core/network/network';
import { fixedProxy } from '../../../src/core/network/proxyRules';
import { readCaFile } from '../../../src/core/network/trust';
import { makeCertificates, type TestCertificates } from '../../support/certificates';
import { makeTempDir, type TempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { startTinyproxy } from '../../support/tinyproxy';

let dir: TempDir;
let certs: TestCertificates;
beforeAll(async () => {
  dir = await makeTempDir('intake-doctor-');
  certs = makeCertificates(dir.path);
});
afterAll(() => dir.remove());

const summary = (results: CheckResult[]) => results.map((r) => `${r.name} ${r.outcome}`);

/** A closed port on this machine: listen, note the port, close. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('runDoctor', () => {
  it('a healthy plain-http server: every step passes, each saying what it saw', async () => {
    const server = await startServer({ phaseMs: 10 });
    const host = new URL(server.url).host;
    const results = await runDoctor({ baseUrl: server.url, network: createNetwork() });
    expect(results).toEqual([
      { name: 'DNS', outcome: 'ok', detail: '127.0.0.1 is 127.0.0.1' },
      { name: 'TCP', outcome: 'ok', detail: `connected to ${host}` },
      { name: 'HTTP', outcome: 'ok', detail: expect.stringMatching(new RegExp(`^HTTP \\d{3} from ${host}$`)) },
      { name: 'WebSocket', outcome: 'ok', detail: `upgrade accepted at ${host}/api/ws` },
    ]);
  });

  it('HTTPS with the CA trusted adds a passed TLS step; without it TLS fails with the fix and the rest is skipped', async () => {
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const host = new URL(server.url).host;
    const trusted = await runDoctor({ baseUrl: server.url, network: createNetwork({ extraCa: await readCaFile(certs.caFile) }) });
    expect(summary(trusted)).toEqual(['DNS ok', 'TCP ok', 'TLS ok', 'HTTP ok', 'WebSocket ok']);
    expect(trusted[2]?.detail).toBe(`the certificate of ${host} is trusted`);

    const untrusted = await runDoctor({ baseUrl: server.url, network: createNetwork() });
    expect(summary(untrusted)).toEqual(['DNS ok', 'TCP ok', 'TLS failed', 'HTTP skipped', 'WebSocket skipped']);
    expect(untrusted[2]?.detail).toContain('signed by an unknown authority');
    expect(untrusted[3]?.detail).toBe('not tried: TLS failed');
  });

  it('a server that is not running: TCP fails, saying so; HTTP and WebSocket are not tried', async () => {
    const port = await closedPort();
    const results = await runDoctor({ baseUrl: `http://127.0.0.1:${port}/api`, network: createNetwork() });
    expect(results).toEqual([
      { name: 'DNS', outcome: 'ok', detail: '127.0.0.1 is 127.0.0.1' },
      { name: 'TCP', outcome: 'failed', detail: `The server 127.0.0.1:${port} refused the connection (is it running?).` },
      { name: 'HTTP', outcome: 'skipped', detail: 'not tried: TCP failed' },
      { name: 'WebSocket', outcome: 'skipped', detail: 'not tried: TCP failed' },
    ]);
  });

  it('a refused token fails HTTP, not the network; a right one passes', async () => {
    const server = await startServer({ phaseMs: 10, token: 'right' });
    const host = new URL(server.url).host;
    const wrong = await runDoctor({ baseUrl: server.url, token: 'wrong', network: createNetwork() });
    expect(summary(wrong)).toEqual(['DNS ok', 'TCP ok', 'HTTP failed', 'WebSocket skipped']);
    expect(wrong[2]?.detail).toBe(`The server ${host} refused the token (HTTP 403).`);
    expect(summary(await runDoctor({ baseUrl: server.url, token: 'right', network: createNetwork() }))).toEqual(['DNS ok', 'TCP ok', 'HTTP ok', 'WebSocket ok']);
  });

  it('a server answering errors fails HTTP with the status; a refused upgrade fails only WebSocket', async () => {
    const broken = http.createServer((_req, res) => {
      res.statusCode = 500;
      res.end('{}');
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(broken.address() as AddressInfo).port}`;
    try {
      const failing = await runDoctor({ baseUrl: `http://${host}/api`, network: createNetwork() });
      expect(failing[2]).toEqual({ name: 'HTTP', outcome: 'failed', detail: `The server ${host} answered HTTP 500.` });
      // A server without a WebSocket: HTTP works (404 for the status of an unknown chart counts as an answer).
      const noSocket = await startServer({ phaseMs: 10, webSocket: false });
      const results = await runDoctor({ baseUrl: noSocket.url, network: createNetwork() });
      expect(summary(results)).toEqual(['DNS ok', 'TCP ok', 'HTTP ok', 'WebSocket failed']);
      expect(results[3]?.detail).toMatch(/^The server refused the WebSocket upgrade \(HTTP \d{3}\)\. Jobs will be followed by polling\.$/);
    } finally {
      broken.closeAllConnections();
      await new Promise((resolve) => broken.close(resolve));
    }
  });

  it('a name that does not resolve: DNS fails naming it, nothing else is tried', async () => {
    const results = await runDoctor({ baseUrl: 'https://records.invalid:8443/api', network: createNetwork() });
    expect(results).toEqual([
      { name: 'DNS', outcome: 'failed', detail: 'The name records.invalid could not be resolved (DNS). Check the server URL and the network.' },
      { name: 'TCP', outcome: 'skipped', detail: 'not tried: DNS failed' },
      { name: 'TLS', outcome: 'skipped', detail: 'not tried: DNS failed' },
      { name: 'HTTP', outcome: 'skipped', detail: 'not tried: DNS failed' },
      { name: 'WebSocket', outcome: 'skipped', detail: 'not tried: DNS failed' },
    ]);
  });

  it('an IPv6 server address is looked up and reached without its brackets', async () => {
    const port = await closedPort();
    const results = await runDoctor({ baseUrl: `http://[::1]:${port}/api`, network: createNetwork() });
    expect(results.slice(0, 2)).toEqual([
      { name: 'DNS', outcome: 'ok', detail: '::1 is ::1' },
      { name: 'TCP', outcome: 'failed', detail: expect.stringMatching(new RegExp(`^The server \\[::1\\]:${port} (refused the connection \\(is it running\\?\\)|could not be reached \\(\\w+\\))\\.$`)) },
    ]);
  });

  it('through an open proxy: DNS and TCP are the proxy\'s, the proxy step passes, the WebSocket is tunnelled', async () => {
    const proxy = await startTinyproxy({ dir: dir.path });
    const server = await startServer({ phaseMs: 10 });
    const host = new URL(server.url).host;
    try {
      const results = await runDoctor({ baseUrl: server.url, network: createNetwork({ proxy: fixedProxy(proxy.url) }) });
      expect(results).toEqual([
        { name: 'DNS', outcome: 'ok', detail: '127.0.0.1 is 127.0.0.1 (the proxy)' },
        { name: 'TCP', outcome: 'ok', detail: `connected to the proxy 127.0.0.1:${proxy.port}` },
        { name: 'Proxy', outcome: 'ok', detail: `the proxy ${proxy.url} let the request through` },
        { name: 'HTTP', outcome: 'ok', detail: expect.stringMatching(new RegExp(`^HTTP \\d{3} from ${host}$`)) },
        { name: 'WebSocket', outcome: 'ok', detail: `upgrade accepted at ${host}/api/ws` },
      ]);
    } finally {
      await proxy.stop();
    }
  });

  it('a proxy that is not running, or not found: the step that failed says so naming the proxy, not the server, and nothing after it passes', async () => {
    const port = await closedPort();
    const server = await startServer({ phaseMs: 10 });
    const stopped = await runDoctor({ baseUrl: server.url, network: createNetwork({ proxy: fixedProxy(`http://127.0.0.1:${port}`) }) });
    expect(stopped).toEqual([
      { name: 'DNS', outcome: 'ok', detail: '127.0.0.1 is 127.0.0.1 (the proxy)' },
      { name: 'TCP', outcome: 'failed', detail: `The proxy http://127.0.0.1:${port} refused the connection (is it running?).` },
      { name: 'Proxy', outcome: 'skipped', detail: 'not tried: TCP failed' },
      { name: 'HTTP', outcome: 'skipped', detail: 'not tried: TCP failed' },
      { name: 'WebSocket', outcome: 'skipped', detail: 'not tried: TCP failed' },
    ]);
    const missing = await runDoctor({ baseUrl: server.url, network: createNetwork({ proxy: fixedProxy('http://proxy.invalid:3128') }) });
    expect(missing.map((r) => `${r.name} ${r.outcome}`)).toEqual(['DNS failed', 'TCP skipped', 'Proxy skipped', 'HTTP skipped', 'WebSocket skipped']);
    expect(missing[0]?.detail).toBe('The proxy http://proxy.invalid:3128 could not be found (DNS).');
  });

  it('a proxy that wants credentials fails the proxy step with where to give them; one that refuses the socket\'s tunnel fails only WebSocket', async () => {
    const server = await startServer({ phaseMs: 10 });
    const host = new URL(server.url).host;
    const asking = await startTinyproxy({ dir: dir.path, auth: { username: 'nurse', password: 's3cret' } });
    const strict = await startTinyproxy({ dir: dir.path, extra: ['ConnectPort 443'] });
    try {
      const auth = await runDoctor({ baseUrl: server.url, network: createNetwork({ proxy: fixedProxy(asking.url) }) });
      expect(summary(auth)).toEqual(['DNS ok', 'TCP ok', 'Proxy failed', 'HTTP skipped', 'WebSocket skipped']);
      expect(auth[2]?.detail).toContain(`The proxy ${asking.url} wants credentials (HTTP 407) before it lets Intake reach ${host}.`);
      const noTunnel = await runDoctor({ baseUrl: server.url, network: createNetwork({ proxy: fixedProxy(strict.url) }) });
      expect(summary(noTunnel)).toEqual(['DNS ok', 'TCP ok', 'Proxy ok', 'HTTP ok', 'WebSocket failed']);
      expect(noTunnel[4]?.detail).toBe(`The proxy ${strict.url} refused the way to ${host} (HTTP 403). Ask your IT desk to allow it. Jobs will be followed by polling.`);
    } finally {
      await Promise.all([asking.stop(), strict.stop()]);
    }
  });

  it('the token goes with the status read and the socket; a 400 or 401 fails HTTP, a server that does not answer in time too', async () => {
    const seen: Array<string | undefined> = [];
    let status = 401;
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (status === 0) return; // never answers
      res.statusCode = status;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const refused = await runDoctor({ baseUrl: `http://${host}/api`, token: 't0ken', network: createNetwork() });
      expect(refused[2]).toEqual({ name: 'HTTP', outcome: 'failed', detail: `The server ${host} refused the token (HTTP 401).` });
      expect(seen).toEqual(['Bearer t0ken']);
      status = 400;
      const bad = await runDoctor({ baseUrl: `http://${host}/api`, network: createNetwork() });
      expect(bad[2]).toEqual({ name: 'HTTP', outcome: 'failed', detail: `The server ${host} answered HTTP 400.` });
      expect(seen[1]).toBeUndefined();
      // A server that answers the status read with 200 or an empty 204 passes HTTP.
      for (const answer of [200, 204]) {
        status = answer;
        const fine = await runDoctor({ baseUrl: `http://${host}/api`, network: createNetwork() });
        expect(fine[2]).toEqual({ name: 'HTTP', outcome: 'ok', detail: `HTTP ${answer} from ${host}` });
      }
      status = 0;
      const silent = await runDoctor({ baseUrl: `http://${host}/api`, network: createNetwork(), timeoutMs: 300 });
      expect(silent[2]).toEqual({ name: 'HTTP', outcome: 'failed', detail: `No answer from ${host} within 300 ms.` });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the WebSocket carries the token too: a server that accepts only it upgrades', async () => {
    const server = await startServer({ phaseMs: 10, token: 'right' });
    const results = await runDoctor({ baseUrl: server.url, token: 'right', network: createNetwork() });
    expect(results[3]).toMatchObject({ name: 'WebSocket', outcome: 'ok' });
  });

  it('something else than Intake on the port (an SSH server): the step after TCP fails with what it said, never a run without a failure', async () => {
    const sockets = new Set<Socket>();
    const ssh = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.end('SSH-2.0-OpenSSH_9.6\r\n');
    });
    await new Promise<void>((resolve) => ssh.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(ssh.address() as AddressInfo).port}`;
    try {
      const results = await runDoctor({ baseUrl: `http://${host}/api`, network: createNetwork(), timeoutMs: 5000 });
      expect(summary(results)).toEqual(['DNS ok', 'TCP ok', 'HTTP failed', 'WebSocket skipped']);
      expect(results[2]?.detail).toMatch(new RegExp(`^Could not reach ${host}: \\w+\\.$`));
      expect(results[3]?.detail).toBe('not tried: HTTP failed');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => ssh.close(resolve));
    }
  });

  it('a WebSocket URL given apart from the server is the one checked: its refusal or its closed port is said', async () => {
    const server = await startServer({ phaseMs: 10 });
    const host = new URL(server.url).host;
    const port = await closedPort();
    const closed = await runDoctor({ baseUrl: server.url, wsUrl: `ws://127.0.0.1:${port}/api/ws`, network: createNetwork() });
    expect(summary(closed)).toEqual(['DNS ok', 'TCP ok', 'HTTP ok', 'WebSocket failed']);
    expect(closed[3]?.detail).toBe(`The server 127.0.0.1:${port} refused the connection (is it running?). Jobs will be followed by polling.`);
    const elsewhere = await runDoctor({ baseUrl: server.url, wsUrl: `ws://${host}/api/ws`, network: createNetwork() });
    expect(elsewhere[3]).toEqual({ name: 'WebSocket', outcome: 'ok', detail: `upgrade accepted at ${host}/api/ws` });
  });
});
