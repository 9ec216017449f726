// --ws-url: parsed and checked like --server, remembered in cli.json (older files without it still read).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseArgs, USAGE } from '../../src/cli/args';
import { CLI_STATE_FILE, readCliState, writeCliState } from '../../src/cli/stateDir';

const server = 'https://ai.example.org/api';
const push = 'wss://push.example.org/live';

function parsed(argv: string[]) {
  const result = parseArgs(argv);
  if (!result.ok) throw new Error(`unexpected usage error: ${result.message}`);
  return result.command;
}

function usageError(argv: string[]): string {
  const result = parseArgs(argv);
  if (result.ok) throw new Error(`expected a usage error for ${argv.join(' ')}`);
  return result.message;
}

describe('--ws-url', () => {
  it('is accepted by upload, resume and watch, and is null when absent', () => {
    expect(parsed(['upload', '--server', server, '--ws-url', push, '--chart', 'A-1', 'a.pdf'])).toMatchObject({ kind: 'upload', wsUrl: push });
    expect(parsed(['resume', '--state-dir', 'st', `--ws-url=${push}`])).toMatchObject({ kind: 'resume', wsUrl: push });
    expect(parsed(['watch', 'in', '--server', server, '--ws-url', push])).toMatchObject({ kind: 'watch', wsUrl: push });
    expect(parsed(['upload', '--server', server, '--chart', 'A-1', 'a.pdf'])).toMatchObject({ wsUrl: null });
  });

  it('plain ws:// is for this computer only, unless --allow-insecure-http', () => {
    expect(usageError(['upload', '--server', server, '--ws-url', 'ws://push.example.org/live', '--chart', 'A-1', 'a.pdf'])).toBe(
      '--ws-url: Plain ws:// is allowed only for this computer (localhost). Use wss://, or explicitly allow insecure HTTP.',
    );
    expect(parsed(['upload', '--server', server, '--ws-url', 'ws://127.0.0.1:9/ws', '--chart', 'A-1', 'a.pdf'])).toMatchObject({ wsUrl: 'ws://127.0.0.1:9/ws' });
    expect(parsed(['upload', '--server', server, '--ws-url', 'ws://push.example.org/live', '--allow-insecure-http', '--chart', 'A-1', 'a.pdf'])).toMatchObject({
      wsUrl: 'ws://push.example.org/live',
    });
  });

  it('refuses other schemes, credentials and a missing value with specific messages', () => {
    const upload = (wsUrl: string) => usageError(['upload', '--server', server, '--ws-url', wsUrl, '--chart', 'A-1', 'a.pdf']);
    expect(upload('https://push.example.org/live')).toBe('--ws-url: WebSocket URL must start with wss:// (got https:).');
    expect(upload('wss://me:pw@push.example.org/live')).toBe('--ws-url: WebSocket URL must not contain a user name or password; use the token field.');
    expect(upload('nonsense')).toBe('--ws-url: WebSocket URL is not a valid URL (example: wss://ai.example.org/api/ws).');
    expect(usageError(['upload', '--server', server, '--ws-url', '--json'])).toBe('--ws-url needs a value.');
    expect(usageError(['upload', '--server', server, '--ws-url', push, '--ws-url', push, '--chart', 'A-1', 'a.pdf'])).toBe('--ws-url given more than once.');
  });

  it('is in the help text, for every command that takes it', () => {
    expect(USAGE).toMatch(/--ws-url URL {2,}WebSocket URL/);
    const commandLines = USAGE.split('\n').filter((l) => /^ {2}intake (upload|resume|watch) /.test(l));
    expect(commandLines).toHaveLength(4);
    for (const line of commandLines) expect(line).toContain('[--ws-url URL]');
  });
});

describe('cli.json and the WebSocket URL', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'intake-cli-wsurl-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips an override, and writes none when the URL is derived', async () => {
    await writeCliState(dir, { version: 1, server, wsUrl: push });
    expect(await readCliState(dir)).toEqual({ state: { version: 1, server, wsUrl: push }, warning: null });
    await writeCliState(dir, { version: 1, server });
    expect(JSON.parse(await readFile(path.join(dir, CLI_STATE_FILE), 'utf8'))).toEqual({ version: 1, server });
  });

  it('a file from before --ws-url existed reads as derived; a wsUrl of the wrong type is corrupt', async () => {
    await writeFile(path.join(dir, CLI_STATE_FILE), JSON.stringify({ version: 1, server }));
    expect(await readCliState(dir)).toEqual({ state: { version: 1, server }, warning: null });
    await writeFile(path.join(dir, CLI_STATE_FILE), JSON.stringify({ version: 1, server, wsUrl: 7 }));
    expect(await readCliState(dir, () => 1)).toEqual({ state: null, warning: expect.stringContaining('was corrupt') });
  });
});
