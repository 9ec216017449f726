// --ws-url end to end: the real CLI follows its job over the override (a relay in front of the reference server).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWsRelay, type WsRelay } from '../support/wsRelay';
import { runCli } from './cliProcess';
import { writePdf } from './documents';
import { startTestServer } from './testServer';

let dir: string;
let relay: WsRelay | null = null;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-cli-wsurl-e2e-'));
});
afterEach(async () => {
  await relay?.close();
  relay = null;
  await rm(dir, { recursive: true, force: true });
});

describe('intake --ws-url', () => {
  it('upload follows the job over the given WebSocket URL, not the derived one, and remembers it for resume', async () => {
    const server = await startTestServer();
    const openRelay = await startWsRelay({ target: () => server.wsUrl });
    relay = openRelay;
    const file = await writePdf(path.join(dir, 'scan.pdf'), 2);
    const stateDir = path.join(dir, 'state');
    const { code, stderr, events } = await runCli(['upload', '--server', server.url, '--ws-url', openRelay.url, '--state-dir', stateDir, '--chart', 'W-1', '--json', file]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(events().at(-1)).toMatchObject({ event: 'done', outcome: 'completed' });
    expect(openRelay.stats.connections).toBeGreaterThanOrEqual(1);
    // Every socket the server saw came through the relay: none went to the derived URL.
    expect(server.stats.wsConnections).toBe(openRelay.stats.connections);
    expect(JSON.parse(await readFile(path.join(stateDir, 'cli.json'), 'utf8'))).toEqual({ version: 1, server: server.url, wsUrl: openRelay.url });
  });

  it('resume re-checks a remembered override, and drops it when resuming against another --server', async () => {
    const stateDir = path.join(dir, 'state');
    await mkdir(stateDir);
    // Saved by a run that had --allow-insecure-http.
    await writeFile(path.join(stateDir, 'cli.json'), JSON.stringify({ version: 1, server: 'http://127.0.0.1:9/api', wsUrl: 'ws://push.example.org/live' }));
    const refused = await runCli(['resume', '--state-dir', stateDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the WebSocket URL this state folder was used with is refused: Plain ws:// is allowed only for this computer');

    const server = await startTestServer();
    const other = await runCli(['resume', '--state-dir', stateDir, '--server', server.url]);
    expect(other.stderr).toBe('');
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('Nothing to resume');
  });
});
