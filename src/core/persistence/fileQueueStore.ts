/**
 * The queue on disk for Node front ends (CLI, tests): `<dir>/queue.json`.
 * Writes go to a temp file, are fsync'ed, then renamed over the old file, so
 * a crash leaves either the old or the new queue, never half of one. A file
 * whose content is damaged is moved aside (kept for a human), never fatal; one
 * that exists but cannot be read (EACCES, EIO, EISDIR…) stops the load with a
 * clear error and is left as it is: taken for an empty queue, the next save
 * would overwrite every job in it.
 */
import { copyFile, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../base/logger';
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
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new Error(`Cannot read the saved queue (${(error as NodeJS.ErrnoException).code ?? 'I/O error'}).`, { cause: error });
      }
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

async function writeAtomically(dir: string, path: string, temp: string, chunks: Iterable<string>): Promise<void> {
  // Owner only: the queue names patients' documents and chart numbers.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const handle = await open(temp, 'w', 0o600);
  try {
    // Chunk by chunk: each awaited write lets the event loop run, where one big string would block it.
    for (const chunk of chunks) await handle.writeFile(chunk, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes the rename itself durable. Not possible on Windows (EPERM/EISDIR): best effort there. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The file content is already durable; only the name may lag.
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch {
    return false;
  }
}
