/**
 * The core's QueueStore port over the shell's key-value store: the same
 * PersistedQueue JSON the CLI writes to queue.json, under the key `queue`.
 */
import type { PersistedQueue, QueueStore } from '../../core/queue/UploadQueue';
import type { KeyValueStore } from './keyValueStore';

export function createElectronQueueStore(store: KeyValueStore, now: () => number = Date.now): QueueStore {
  const warnings: string[] = [];
  return {
    async load() {
      const value = store.get('queue');
      if (value === undefined) return null;
      if (isPersistedQueue(value)) return value;
      // Keep the unreadable value for support instead of overwriting it with the next save.
      store.set(`queueCorrupt-${now()}`, value);
      store.delete('queue');
      warnings.push('The saved queue was unreadable; it was kept aside and Intake started with an empty queue.');
      return null;
    },
    async save(state) {
      store.set('queue', state);
    },
    drainWarnings: () => warnings.splice(0),
  };
}

function isPersistedQueue(value: unknown): value is PersistedQueue {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.version === 1 && Array.isArray(v.jobs) && typeof v.paused === 'boolean';
}
