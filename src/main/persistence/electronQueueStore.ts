/**
 * The core's QueueStore port over the shell's key-value store: the same
 * PersistedQueue JSON the CLI writes to queue.json, under the key `queue`,
 * read back through the core's own parser (version check, migrations, a
 * schema check per job) so both stores mean the same thing.
 */
import { parsePersistedQueue } from '../../core/persistence/persistedQueue';
import type { QueueStore } from '../../core/queue/UploadQueue';
import type { KeyValueStore } from './keyValueStore';

export function createElectronQueueStore(store: KeyValueStore, now: () => number = Date.now): QueueStore {
  const warnings: string[] = [];
  return {
    async load() {
      const raw = store.get('queue');
      if (raw === undefined) return null;
      const parsed = parsePersistedQueue(raw);
      warnings.push(...parsed.warnings);
      // Keep the original for support before the next save overwrites it.
      if (parsed.damaged) store.set(`queueDamaged-${now()}`, raw);
      return parsed.queue;
    },
    async save(state) {
      store.set('queue', state);
    },
    drainWarnings: () => warnings.splice(0),
  };
}
