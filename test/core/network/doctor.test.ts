/**
 * `intake doctor` / Settings → Test connection against the real reference
 * server: each step passed, the failing one named with what to do, the rest
 * skipped (not pretended).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor, type CheckResult } from '../../../src/core/network/doctor';
import { createNetwork } from '../../../src/core/network/network';
import { readCaFile } from '../../../src/core/network/trust';
import { makeCertificates, type TestCertificates } from '../../support/certificates';
import { makeTempDir, type TempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';

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
});
