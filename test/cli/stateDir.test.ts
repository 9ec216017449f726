import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_STATE_FILE, openStateDir, readCliState, removeStateDir, StateDirError, writeCliState } from '../../src/cli/stateDir';
import { createStateDirQueueStore } from '../../src/core/persistence/fileQueueStore';
import { JOURNAL_FILE_NAME, SNAPSHOT_FILE_NAME } from '../../src/core/persistence/journalQueueStore';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'intake-state-'));
  dirs.push(dir);
  return dir;
}

describe('state dir', () => {
  it('is made for its owner only (0700), and its files are readable by the owner only (0600)', async () => {
    const parent = await tempDir();
    const made = await openStateDir(path.join(parent, 'new', 'state'));
    const modeOf = async (file: string) => (await stat(file)).mode & 0o777;
    expect(await modeOf(made.path)).toBe(0o700);
    expect(await modeOf(path.join(parent, 'new'))).toBe(0o700);
    const temporary = await openStateDir(null);
    dirs.push(temporary.path);
    expect(await modeOf(temporary.path)).toBe(0o700);

    await writeCliState(made.path, { version: 1, server: 'http://127.0.0.1:1/api' });
    expect(await modeOf(path.join(made.path, CLI_STATE_FILE))).toBe(0o600);
    // The queue's own folder, when the store has to make it, and its files.
    const queueDir = path.join(parent, 'queue-only');
    const queue = createStateDirQueueStore(queueDir);
    await queue.save({ version: 1, jobs: [], paused: false });
    await queue.save({ version: 1, jobs: [], paused: true });
    expect(await modeOf(queueDir)).toBe(0o700);
    expect(await modeOf(path.join(queueDir, SNAPSHOT_FILE_NAME))).toBe(0o600);
    expect(await modeOf(path.join(queueDir, JOURNAL_FILE_NAME))).toBe(0o600);
  });

  it('round-trips the server URL and never writes a token', async () => {
    const dir = await tempDir();
    expect(await readCliState(dir)).toEqual({ state: null, warning: null });
    await writeCliState(dir, { version: 1, server: 'http://127.0.0.1:1/api' });
    expect(await readCliState(dir)).toEqual({ state: { version: 1, server: 'http://127.0.0.1:1/api' }, warning: null });
    expect(await readdir(dir)).toEqual([CLI_STATE_FILE]);
  });

  it('keeps a corrupt cli.json aside and warns', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, CLI_STATE_FILE), '{"version":1,"serv');
    const result = await readCliState(dir, () => 42);
    expect(result.state).toBeNull();
    expect(result.warning).toContain('corrupt');
    expect(await readFile(path.join(dir, `${CLI_STATE_FILE}.corrupt-42`), 'utf8')).toBe('{"version":1,"serv');
  });

  it('makes a temporary folder when none is given and removes only that one', async () => {
    const temp = await openStateDir(null);
    expect(temp.temporary).toBe(true);
    await removeStateDir(temp);
    await expect(stat(temp.path)).rejects.toThrow();
    const kept = await openStateDir(path.join(await tempDir(), 'new/sub'));
    expect(kept.temporary).toBe(false);
    await removeStateDir(kept);
    expect((await stat(kept.path)).isDirectory()).toBe(true);
  });

  it('refuses a state folder path that runs through a file, with the reason', async () => {
    const file = path.join(await tempDir(), 'plain-file');
    await writeFile(file, 'x');
    await expect(openStateDir(path.join(file, 'state'))).rejects.toThrow(StateDirError);
    await expect(openStateDir(path.join(file, 'state'))).rejects.toThrow(/a file is in the way/);
  });
});
