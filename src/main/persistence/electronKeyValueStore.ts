/**
 * electron-store behind the KeyValueStore port. Kept apart so that tests of
 * the shell never load electron-store (which needs a running Electron).
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Store from 'electron-store';
import { storeMigrations } from './storeMigrations';
import type { KeyValueStore } from './keyValueStore';

export function openElectronKeyValueStore(name: 'settings' | 'queue', directory: string, onWarning: (message: string) => void): KeyValueStore {
  setAsideIfCorrupt(join(directory, `${name}.json`), onWarning);
  const store = new Store<Record<string, unknown>>({
    name,
    cwd: directory,
    migrations: storeMigrations as never,
    // Only reached for a file that turned bad after the check below; never throw at startup.
    clearInvalidConfig: true,
  });
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
  };
}

/** A file that is not JSON is moved aside (kept for support), never silently wiped. */
function setAsideIfCorrupt(file: string, onWarning: (message: string) => void): void {
  if (!existsSync(file)) return;
  try {
    JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    const aside = `${file}.corrupt-${Date.now()}`;
    renameSync(file, aside);
    onWarning(`A saved state file was unreadable; it was kept aside as ${aside.split(/[\\/]/).pop()} and Intake started with an empty one.`);
  }
}
