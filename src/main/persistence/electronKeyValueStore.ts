/**
 * electron-store behind the KeyValueStore port. Kept apart so that tests of
 * the shell never load electron-store (which needs a running Electron).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Store from 'electron-store';
import { storeMigrations } from './storeMigrations';
import type { KeyValueStore } from './keyValueStore';

/** The queue and the settings are the user's alone: the folder 0700 and each file 0600 (conf's default is 0666 under umask). */
export const STORE_DIRECTORY_MODE = 0o700;
export const STORE_FILE_MODE = 0o600;

/** What the store is opened with (electron-store hands these to conf). */
export function storeOptions(name: 'settings' | 'queue', directory: string) {
  return {
    name,
    cwd: directory,
    migrations: storeMigrations as never,
    // Only reached for a file that turned bad after the check below; never throw at startup.
    clearInvalidConfig: true,
    configFileMode: STORE_FILE_MODE,
  };
}

export function openElectronKeyValueStore(name: 'settings' | 'queue', directory: string, onWarning: (message: string) => void): KeyValueStore {
  restrictToUser(directory, join(directory, `${name}.json`));
  setAsideIfCorrupt(join(directory, `${name}.json`), onWarning);
  const store = new Store<Record<string, unknown>>(storeOptions(name, directory));
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

/** Files written by an older version (0666 under umask) are narrowed too; Windows has no such modes. */
function restrictToUser(directory: string, file: string): void {
  mkdirSync(directory, { recursive: true, mode: STORE_DIRECTORY_MODE });
  if (process.platform === 'win32') return;
  chmodSync(directory, STORE_DIRECTORY_MODE);
  if (existsSync(file)) chmodSync(file, STORE_FILE_MODE);
}
