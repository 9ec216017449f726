/**
 * The reference server listens on loopback without a token: a web page the
 * user has open, a page reached through DNS rebinding, or a client that never
 * finishes its headers must not get anywhere. Each test performs the attack
 * over real sockets.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseServerArgs } from '../../src/server/serverArgs';
import { startServer } from '../support/referenceServer';
import { chartPart, documentPart, postMultipart, sendRequest } from './fixtures/multipartUpload';
import { pdfWithPages } from './fixtures/sampleDocuments';

const EVIL = 'http://evil.example';
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function upload(url: string, headers: Record<string, string> = {}) {
  return postMultipart(`${url}/documents/upload`, [chartPart('G-1'), documentPart(pdfWithPages(1))], { headers });
}

/** The status of an upgrade: 101 when the socket opened, else the refusal's status and JSON body. */
function upgrade(wsUrl: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, { headers });
    socket.on('open', () => {
      socket.close();
      resolve({ status: 101, body: null });
    });
    socket.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    socket.on('error', reject);
  });
}

describe('Origin: requests from web pages', () => {
  it('a foreign Origin gets 403 for upload, status and the WebSocket upgrade, and nothing is stored', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const refused = { error: 'origin_not_allowed', message: expect.stringContaining('--allow-origin') };
    const posted = await upload(server.url, { Origin: EVIL });
    expect(posted).toMatchObject({ status: 403, body: refused });
    expect(await sendRequest(`${server.url}/documents/status/G-1`, { method: 'GET', headers: { Origin: EVIL } })).toMatchObject({ status: 403, body: refused });
    expect(await upgrade(server.wsUrl, { Origin: EVIL })).toEqual({ status: 403, body: refused });
    expect(server.stats.uploadsAccepted).toBe(0);
    expect(server.stats.wsConnections).toBe(0);
  });

  it('an origin named by --allow-origin passes; clients that send no Origin (curl, the CLI, the app) pass without any flag', async () => {
    const server = await startServer({ phaseMs: 60_000, allowedOrigins: ['http://localhost:5173'] });
    expect((await upload(server.url, { Origin: 'http://localhost:5173' })).status).toBe(201);
    expect((await upgrade(server.wsUrl, { Origin: 'http://localhost:5173' })).status).toBe(101);
    expect((await upload(server.url, { Origin: 'http://localhost:5174' })).status).toBe(403);
    expect((await upload(server.url)).status).toBe(201);
    expect((await upgrade(server.wsUrl)).status).toBe(101);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
  });

  it('--allow-origin is repeatable and must be an origin', () => {
    expect(parseServerArgs(['--allow-origin', 'http://a.example', '--allow-origin=https://b.example:8443'])).toEqual({
      kind: 'run',
      options: { allowedOrigins: ['http://a.example', 'https://b.example:8443'] },
    });
    expect(parseServerArgs(['--allow-origin', 'http://a.example/path'])).toEqual({ kind: 'error', message: expect.stringContaining('is not an origin') });
    expect(parseServerArgs(['--allow-origin'])).toEqual({ kind: 'error', message: '--allow-origin needs a value.' });
  });
});

describe('Host: DNS rebinding', () => {
  it('a Host that is not this server gets 421, for REST and for the upgrade', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const host = `evil.example:${server.port}`;
    const posted = await upload(server.url, { Host: host });
    expect(posted).toMatchObject({ status: 421, body: { error: 'misdirected_request', message: expect.stringContaining(`localhost:${server.port}`) } });
    expect((await sendRequest(`${server.url}/health`, { method: 'GET', headers: { Host: `127.0.0.1:${server.port + 1}` } })).status).toBe(421);
    expect((await upgrade(server.wsUrl, { Host: host })).status).toBe(421);
    expect(server.stats.uploadsAccepted).toBe(0);
  });

  it('a relay in front is answered only when allowedHosts (--allow-host) names it', async () => {
    const server = await startServer({ phaseMs: 60_000, allowedHosts: ['127.0.0.1:9999'] });
    const through = (host: string) => sendRequest(`${server.url}/health`, { method: 'GET', headers: { Host: host } });
    expect((await through('127.0.0.1:9999')).status).toBe(200);
    expect((await through('127.0.0.1:9998')).status).toBe(421);
    expect(parseServerArgs(['--allow-host', 'relay.lan:8080', '--allow-host=[::1]:9'])).toEqual({ kind: 'run', options: { allowedHosts: ['relay.lan:8080', '[::1]:9'] } });
    expect(parseServerArgs(['--allow-host', 'relay.lan'])).toEqual({ kind: 'error', message: expect.stringContaining('host:port') });
  });

  it.each(['127.0.0.1', 'localhost', '[::1]', 'LOCALHOST'])('Host %s:PORT is this server', async (name) => {
    const server = await startServer({ phaseMs: 60_000 });
    expect((await sendRequest(`${server.url}/health`, { method: 'GET', headers: { Host: `${name}:${server.port}` } })).status).toBe(200);
  });
});

describe('slow clients', () => {
  it('a client that sends its headers a byte at a time is cut off by the server', async () => {
    const server = await startServer({ headersTimeoutMs: 300 });
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const request = Buffer.from(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`);
    let sent = 0;
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    // One byte every 100 ms: slower than the whole request may take, but never idle long.
    const drip = setInterval(() => {
      if (!socket.destroyed && sent < request.length) socket.write(request.subarray(sent, ++sent));
    }, 100);
    const closedAfter = await new Promise<number>((resolve) => {
      const started = Date.now();
      socket.once('close', () => resolve(Date.now() - started));
    });
    clearInterval(drip);
    expect(sent).toBeLessThan(request.length); // the server, not the end of the request, ended it
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfter).toBeLessThan(5000);
  });

  it('the connection cap and timeouts are options (and command-line flags)', () => {
    expect(parseServerArgs(['--headers-timeout-ms', '500', '--request-timeout-ms', '60000', '--max-connections', '8', '--retention-days', '0.5'])).toEqual({
      kind: 'run',
      options: { headersTimeoutMs: 500, requestTimeoutMs: 60_000, maxConnections: 8, retentionDays: 0.5 },
    });
    expect(parseServerArgs(['--retention-days', '0'])).toEqual({ kind: 'error', message: expect.stringContaining('more than 0') });
  });

  it('connections over the cap are closed at once', async () => {
    const server = await startServer({ maxConnections: 2 });
    const open = await Promise.all([0, 1].map(() => openSocket(server.port)));
    const third = await openSocket(server.port);
    await new Promise<void>((resolve) => (third.destroyed ? resolve() : third.once('close', () => resolve())));
    expect(open.every((socket) => !socket.destroyed)).toBe(true);
    for (const socket of open) socket.destroy();
  });
});

function openSocket(port: number): Promise<ReturnType<typeof connect>> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket));
  });
}

describe('retention', () => {
  it('finished jobs and their uploaded documents are deleted once older than the retention period', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'intake-retention-'));
    dirs.push(dataDir);
    let now = Date.now();
    const server = await startServer({ dataDir, phaseMs: 0, retentionDays: 7, now: () => now });
    const posted = await upload(server.url);
    const { jobId } = posted.body as { jobId: string };
    await waitForStatus(server.url, 'completed');
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([jobId]);

    now += 7 * 24 * 3600 * 1000 - 60_000; // a minute short of seven days: kept
    expect(server.expireUploads?.()).toBe(0);
    expect(existsSync(join(dataDir, 'uploads', jobId))).toBe(true);

    now += 120_000;
    expect(server.expireUploads?.()).toBe(1);
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
    expect((await sendRequest(`${server.url}/documents/status/G-1`, { method: 'GET' })).status).toBe(404);
    expect(server.jobs()).toEqual([]);
  });

  it('a restarted server deletes what expired while it was stopped, and keeps a job still being processed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'intake-retention-'));
    dirs.push(dataDir);
    const first = await startServer({ dataDir, phaseMs: 0 });
    const done = (await upload(first.url)).body as { jobId: string };
    await waitForStatus(first.url, 'completed');
    await first.close();
    const slow = await startServer({ dataDir, phaseMs: 60_000 });
    const open = (await postMultipart(`${slow.url}/documents/upload`, [chartPart('G-2'), documentPart(pdfWithPages(1))])).body as { jobId: string };
    await slow.close();

    const later = await startServer({ dataDir, phaseMs: 60_000, now: () => Date.now() + 8 * 24 * 3600 * 1000 });
    expect(later.jobs().map((job) => job.jobId)).toEqual([open.jobId]);
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([open.jobId]);
    expect(existsSync(join(dataDir, 'uploads', done.jobId))).toBe(false);
  });
});

async function waitForStatus(url: string, status: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const reply = await sendRequest(`${url}/documents/status/G-1`, { method: 'GET' });
    const jobs = (reply.body as { jobs?: Array<{ status: string }> }).jobs ?? [];
    if (jobs.some((job) => job.status === status)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no job reached ${status}`);
}
