/**
 * Versions of the shell's on-disk layout, run by electron-store's
 * `migrations` option. electron-store keys migrations by the app version that
 * introduced a layout; each runs once, when an older store is first opened by
 * that version or a newer one (conf records the last migrated version in the
 * file). Migrations must be idempotent: a fresh store runs them too.
 */
import type { KeyValueStore } from './keyValueStore';

/** The app version that introduced the current (grouped, encrypted-token) layout. */
export const LAYOUT_VERSION = '0.1.0';

/** Keys the pre-release layout kept at the top level, now grouped under `settings`. */
const LEGACY_SETTING_KEYS = [
  'serverUrl',
  'allowInsecureHttp',
  'uploadConcurrency',
  'notifications',
  'chartNumbersInNotifications',
  'startAtLogin',
  'chartNumberPattern',
  'historySize',
] as const;

/** Pre-0.1.0 → 0.1.0: flat settings move under `settings`; a plaintext `token` is dropped (it must be re-entered, encrypted). */
export function migrateToGroupedLayout(store: KeyValueStore): void {
  const existing = store.get('settings');
  const settings: Record<string, unknown> = typeof existing === 'object' && existing !== null ? { ...existing } : {};
  let moved = false;
  for (const key of LEGACY_SETTING_KEYS) {
    const value = store.get(key);
    if (value === undefined) continue;
    if (!(key in settings)) settings[key] = value;
    store.delete(key);
    moved = true;
  }
  if (moved) store.set('settings', settings);
  // A token written in clear by an old build must not stay on disk.
  if (typeof store.get('token') === 'string') store.delete('token');
}

export const storeMigrations: Record<string, (store: KeyValueStore) => void> = {
  [LAYOUT_VERSION]: migrateToGroupedLayout,
};
