/**
 * The electron-store adapter: the options it opens the store with (our
 * folder, the layout migrations, never throwing on a bad file), and a file
 * that is not JSON being kept aside before electron-store would clear it.
 * electron-store itself needs a running Electron, so it is replaced by a
 * recording fake here.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openElectronKeyValueStore } from '../../src/main/persistence/electronKeyValueStore';
import { LAYOUT_VERSION } from '../../src/main/persistence/storeMigrations';

const opened: Array<Record<string, unknown>> = [];
vi.mock('electron-store', () => ({
  default: class FakeElectronStore {
    private data = new Map<string, unknown>();
    constructor(options: Record<string, unknown>) {
      opened.push(options);
    }
    get(key: string) {
      return this.data.get(key);
    }
    set(key: string, value: unknown) {
      this.data.set(key, value);
    }
    delete(key: string) {
      this.data.delete(key);
    }
  },
}));

const dirs: string[] = [];
afterEach(() => {
  opened.length = 0;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openElectronKeyValueStore', () => {
  it('opens <dir>/<name>.json with the layout migrations and without throwing on a bad file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-kv-'));
    dirs.push(dir);
    const store = openElectronKeyValueStore('settings', dir, () => undefined);
    expect(opened).toEqual([{ name: 'settings', cwd: dir, migrations: expect.objectContaining({ [LAYOUT_VERSION]: expect.any(Function) }), clearInvalidConfig: true, configFileMode: 0o600 }]);
    store.set('a', 1);
    expect(store.get('a')).toBe(1);
    store.delete('a');
    expect(store.get('a')).toBeUndefined();
  });

  it('keeps a file that is not JSON aside (never silently wiped) and warns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-kv-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'queue.json'), '{"version":1,"jobs":[{"id":"tru');
    const warnings: string[] = [];
    openElectronKeyValueStore('queue', dir, (message) => warnings.push(message));
    expect(existsSync(join(dir, 'queue.json'))).toBe(false);
    const aside = readdirSync(dir).filter((name) => name.startsWith('queue.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe('{"version":1,"jobs":[{"id":"tru');
    expect(warnings).toEqual([expect.stringContaining('kept aside')]);
    expect(warnings[0]).not.toContain(dir);
  });

  it('the store is the user\'s alone: folder 0700, an existing file narrowed to 0600, and conf writes new ones 0600', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'intake-kv-'));
    dirs.push(parent);
    const dir = join(parent, 'userData');
    mkdirSync(dir, { mode: 0o777 });
    chmodSync(dir, 0o777);
    writeFileSync(join(dir, 'settings.json'), '{"settings":{}}', { mode: 0o666 });
    chmodSync(join(dir, 'settings.json'), 0o666);
    openElectronKeyValueStore('settings', dir, () => undefined);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
    // The real conf (what electron-store runs on; it calls `name` configName) with our options writes a new file owner-only, whatever the umask.
    const { default: Conf } = await vi.importActual<{ default: new (options: Record<string, unknown>) => { set(k: string, v: unknown): void } }>('conf');
    const { storeOptions } = await import('../../src/main/persistence/electronKeyValueStore');
    const { migrations: _migrations, ...options } = storeOptions('queue', dir);
    new Conf({ ...options, configName: options.name, projectName: 'intake-test', projectVersion: '1.0.0' }).set('queue', { version: 1, jobs: [] });
    expect(statSync(join(dir, 'queue.json')).mode & 0o777).toBe(0o600);
  });

  it('leaves a good file alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-kv-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'settings.json'), '{"settings":{}}');
    const warnings: string[] = [];
    openElectronKeyValueStore('settings', dir, (message) => warnings.push(message));
    expect(readdirSync(dir)).toEqual(['settings.json']);
    expect(warnings).toEqual([]);
  });
});
