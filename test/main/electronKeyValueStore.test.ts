/**
 * The electron-store adapter: the options it opens the store with (our
 * folder, the layout migrations, never throwing on a bad file), and a file
 * that is not JSON being kept aside before electron-store would clear it.
 * electron-store itself needs a running Electron, so it is replaced by a
 * recording fake here.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    expect(opened).toEqual([{ name: 'settings', cwd: dir, migrations: expect.objectContaining({ [LAYOUT_VERSION]: expect.any(Function) }), clearInvalidConfig: true }]);
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
