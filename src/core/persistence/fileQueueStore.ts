/**
 * The queue as version 1 kept it: `<dir>/queue.json`, the whole queue in one
 * file. Today it is the journal's legacy source (read once and migrated, see
 * journalQueueStore.ts); its save stays for tests and tools that need a v1 file.
 * Writes go to a temp file, are fsync'ed, then renamed over the old file, so
 * a crash leaves either the old or the new queue, never half of one. A file
 * whose content is damaged is moved aside (kept for a human), never fatal; one
 * that exists but cannot be read (EACCES, EIO, EISDIR…) stops the load with a
 * clear error and is left as it is: taken for an empty queue, the next save
 * would overwrite every job in it.
 */
import { copyFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../base/logger';
import { exists, readSavedFile, writeAtomically } from './atomicFile';
import { createJournalQueueStore, type JournalQueueStore, type LegacyQueueSource } from './journalQueueStore';
import type { PersistedQueue, QueueStore } from '../queue/types';
import { parsePersistedQueue } from './persistedQueue';
import { QueueJsonChunks } from './queueJsonChunks';

export const QUEUE_FILE_NAME = 'queue.json';

export interface FileQueueStoreOptions {
  logger?: Logger;
  /** For the corrupt-copy name; default Date.now. */
  now?: () => number;
}

export interface FileQueueStore extends QueueStore {
  readonly path: string;
  drainWarnings(): string[];
}

export function createFileQueueStore(dir: string, options: FileQueueStoreOptions = {}): FileQueueStore {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const path = join(dir, QUEUE_FILE_NAME);
  let warnings: string[] = [];
  let tempCounter = 0;
  // One write at a time: two overlapping renames could put an older state last.
  let writing: Promise<void> = Promise.resolve();
  const json = new QueueJsonChunks();

  const warn = (message: string): void => {
    warnings.push(message);
    logger.warn(message);
  };

  async function setAside(keepOriginal: boolean): Promise<string> {
    const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
    let target = `${path}.corrupt-${stamp}`;
    for (let n = 1; (await exists(target)) && n < 100; n += 1) target = `${path}.corrupt-${stamp}-${n}`;
    if (keepOriginal) await copyFile(path, target);
    else await rename(path, target);
    return target;
  }

  async function removeStaleTempFiles(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    // Left by a crash between write and rename; the real file is intact.
    await Promise.all(names.filter((name) => name.startsWith(`${QUEUE_FILE_NAME}.tmp-`)).map((name) => unlink(join(dir, name)).catch(() => undefined)));
  }

  return {
    path,

    drainWarnings() {
      const out = warnings;
      warnings = [];
      return out;
    },

    async load() {
      await removeStaleTempFiles();
      const data = await readSavedFile(path);
      if (data === null) return null;
      const text = data.toString('utf8');
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        await setAside(false);
        warn('Saved queue file was corrupt or truncated; it was moved aside (queue.json.corrupt-*) and the queue starts empty.');
        return null;
      }
      const parsed = parsePersistedQueue(raw);
      if (parsed.damaged) {
        // Keep the original next to it: whatever could not be read stays available to a human.
        await setAside(parsed.queue !== null);
        for (const message of parsed.warnings) warn(`${message} The original file was kept as queue.json.corrupt-*.`);
      }
      return parsed.queue;
    },

    save(state: PersistedQueue) {
      const run = writing.then(() => writeAtomically(dir, path, `${path}.tmp-${process.pid}-${(tempCounter += 1)}`, json.chunks(state)));
      writing = run.catch(() => undefined);
      return run;
    },
  };
}

/**
 * The v1 queue.json as the journal's legacy source: read with this store's own load (damaged
 * files set aside, unreadable ones refused), then renamed to queue.json.migrated once the
 * journal holds it, so it is kept for a human and never read again.
 */
function legacyQueueFile(dir: string, options: FileQueueStoreOptions = {}): LegacyQueueSource {
  const store = createFileQueueStore(dir, options);
  return {
    load: () => store.load(),
    drainWarnings: () => store.drainWarnings(),
    async retire() {
      await rename(store.path, `${store.path}.migrated`).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    },
  };
}

/** The CLI's state folder: the journal, migrating a v1 queue.json found there. */
export function createStateDirQueueStore(dir: string, options: FileQueueStoreOptions = {}): JournalQueueStore {
  return createJournalQueueStore(dir, { ...(options.logger && { logger: options.logger }), legacy: legacyQueueFile(dir, options) });
}
