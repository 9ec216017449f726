/**
 * Where the app kept the queue before the journal: the electron-store key
 * `queue` (the same PersistedQueue JSON the CLI wrote to queue.json). Read
 * once through the core's own parser (version check, migrations, a schema
 * check per job) as the journal's legacy source, then deleted from the store
 * once the journal holds it (core/persistence/journalQueueStore.ts).
 */
import { parsePersistedQueue } from '../../core/persistence/persistedQueue';
import type { LegacyQueueSource } from '../../core/persistence/journalQueueStore';
import type { KeyValueStore } from './keyValueStore';

export function electronLegacyQueue(store: KeyValueStore, now: () => number = Date.now): LegacyQueueSource {
  const warnings: string[] = [];
  return {
    async load() {
      const raw = store.get('queue');
      if (raw === undefined) return null;
      const parsed = parsePersistedQueue(raw);
      warnings.push(...parsed.warnings);
      // Keep the original for support: the migration deletes the key.
      if (parsed.damaged) store.set(`queueDamaged-${now()}`, raw);
      return parsed.queue;
    },
    async retire() {
      store.delete('queue');
    },
    drainWarnings: () => warnings.splice(0),
  };
}
