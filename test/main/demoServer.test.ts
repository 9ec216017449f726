/**
 * The app's demo server at the HTTP level: it answers only the engine, which
 * holds its per-launch token; another local user or a web page gets nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { DemoServer } from '../../src/core/engine/backendSelector';
import { startDemoServer } from '../../src/main/demoServer';

const opened: Array<{ server: DemoServer; dir: string }> = [];
afterEach(async () => {
  for (const { server, dir } of opened.splice(0)) {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function demo(): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'intake-demo-'));
  const server = await startDemoServer({ port: 0, dataDir: dir });
  opened.push({ server, dir });
  return server;
}

const upgrade = (url: string, headers: Record<string, string>) =>
  new Promise<number>((resolve) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws') + '/ws', { headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('error', () => resolve(0));
  });

it('has a token made for this launch: without it nothing is answered, with it everything is', async () => {
  const first = await demo();
  const second = await demo();
  expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(second.token).not.toBe(first.token);
  expect((await fetch(`${first.url}/documents/status/C-1`)).status).toBe(401);
  expect((await fetch(`${first.url}/documents/status/C-1`, { headers: { authorization: `Bearer ${second.token}` } })).status).toBe(403);
  // Answered: this chart has no jobs yet (404 is the server speaking, not the door refusing).
  expect((await fetch(`${first.url}/documents/status/C-1`, { headers: { authorization: `Bearer ${first.token}` } })).status).toBe(404);
  expect(await upgrade(first.url, {})).toBe(401);
  expect(await upgrade(first.url, { authorization: `Bearer ${first.token}` })).toBe(101);
});

it('a web page is refused even with the token (foreign Origin), and so is a rebound host name', async () => {
  const server = await demo();
  const auth = { authorization: `Bearer ${server.token}` };
  expect((await fetch(`${server.url}/documents/status/C-1`, { headers: { ...auth, origin: 'http://evil.example' } })).status).toBe(403);
  expect(await upgrade(server.url, { ...auth, origin: 'http://evil.example' })).toBe(403);
  const { port } = new URL(server.url);
  // fetch will not send another Host; node:http does, as a rebound browser would.
  const status = await new Promise<number>((resolve, reject) => {
    request(`${server.url}/documents/status/C-1`, { headers: { ...auth, host: `evil.example:${port}` } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
  expect(status).toBe(421);
});
