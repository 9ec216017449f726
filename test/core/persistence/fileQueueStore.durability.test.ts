/**
 * What a crash, a full disk or an unreadable file does to the saved queue.
 * The real file system is used; node:fs/promises is only watched (every call
 * is recorded, in order) and, where a test asks, made to fail the way a full
 * disk or a failing drive does. Nothing of the store is replaced.
 */
import type * as FsPromises from 'node:fs/promises';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFileQueueStore } from '../../../src/core/persistence/fileQueueStore';
import type { PersistedQueue } from '../../../src/core/queue/types';
import { UploadQueue } from '../../../src/core/queue/UploadQueue';
import type { QueueJob } from '../../../src/shared/queueJob';
import { makeTempDir, type TempDir } from '../../support/files';
import { sampleJob } from '../../support/sampleJob';
import { FakeTracker } from '../queue/fakeTracker';

/** Calls seen on files of the store's folder, as "operation name" strings. */
const seen: string[] = [];
/** Armed by a test: throw this error from the named operation (after `after` successful calls). */
const faults: Array<{ op: string; after: number; code: string }> = [];
let watchedDir: string | null = null;

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

function watched(op: string, path: unknown): void {
  if (watchedDir === null || typeof path !== 'string' || !path.startsWith(watchedDir)) return;
  const name = path === watchedDir ? '<dir>' : basename(path).replace(/\.tmp-.*$/, '.tmp');
  seen.push(`${op} ${name}`);
  const fault = faults.find((f) => f.op === op);
  if (fault !== undefined && fault.after-- <= 0) {
    faults.splice(faults.indexOf(fault), 1);
    throw errno(fault.code);
  }
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const wrap =
    <A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      watched(op, args[0]);
      return fn(...args);
    };
  const open = async (...args: Parameters<typeof real.open>) => {
    const path = args[0];
    watched(`open(${String(args[1] ?? 'r')})`, path);
    const handle = await real.open(...args);
    // The handle's own calls are recorded against the file it was opened on.
    return new Proxy(handle, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (typeof value !== 'function' || !['writeFile', 'write', 'sync', 'datasync', 'close'].includes(String(key))) {
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (...callArgs: unknown[]) => {
          watched(String(key), path);
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, callArgs);
        };
      },
    });
  };
  const mocked = {
    ...real,
    open,
    readFile: wrap('readFile', real.readFile),
    rename: wrap('rename', real.rename),
    copyFile: wrap('copyFile', real.copyFile),
    unlink: wrap('unlink', real.unlink),
    mkdir: wrap('mkdir', real.mkdir),
  };
  return { ...mocked, default: mocked };
});

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('intake-durable-');
  seen.length = 0;
  faults.length = 0;
  watchedDir = dir.path;
});
afterEach(async () => {
  watchedDir = null;
  await dir.remove();
});

function job(n: number): QueueJob {
  // A long key makes each job a few hundred bytes, so a few thousand jobs take several write slices.
  return Object.freeze(sampleJob({ id: `local-${n}`, files: [{ path: `/docs/${n}.pdf`, name: `${n}.pdf`, size: 5, type: 'pdf' }], idempotencyKey: `key-${n}-${'k'.repeat(200)}`, createdAt: n, updatedAt: n }));
}

const queueOf = (count: number, from = 0): PersistedQueue => ({ version: 1, jobs: Array.from({ length: count }, (_, i) => job(from + i)), paused: false });

describe('fileQueueStore: a save is atomic and durable', () => {
  it('writes a temp file, syncs it to disk, then renames it over the queue; the queue file itself is never opened for writing', async () => {
    const store = createFileQueueStore(dir.path);
    await store.save(queueOf(3000)); // several slices
    const writes = seen.filter((op) => op.endsWith('queue.json.tmp') || op === 'rename queue.json.tmp');
    const firstWrite = writes.indexOf('writeFile queue.json.tmp');
    expect(writes[0]).toBe('open(w) queue.json.tmp');
    expect(firstWrite).toBe(1);
    expect(writes.filter((op) => op === 'writeFile queue.json.tmp').length).toBeGreaterThan(1);
    // Everything written, then synced, then closed, then renamed: a crash at any point leaves a whole file.
    expect(writes.slice(writes.lastIndexOf('writeFile queue.json.tmp') + 1)).toEqual([
      'sync queue.json.tmp',
      'close queue.json.tmp',
      'rename queue.json.tmp',
    ]);
    expect(seen.filter((op) => op.startsWith('open(w') || op.startsWith('writeFile')).every((op) => op.endsWith('.tmp'))).toBe(true);
    // And the rename itself is made durable by syncing the folder.
    expect(seen.slice(seen.indexOf('rename queue.json.tmp') + 1)).toEqual(['open(r) <dir>', 'sync <dir>', 'close <dir>']);
    expect(await readdir(dir.path)).toEqual(['queue.json']);
    expect(JSON.parse(await readFile(join(dir.path, 'queue.json'), 'utf8'))).toEqual(queueOf(3000));
  });

  it.each([
    ['a full disk halfway through the write', 'writeFile', 1, 'ENOSPC'],
    ['a drive error on sync', 'sync', 0, 'EIO'],
    ['a failed rename', 'rename', 0, 'EXDEV'],
  ])('a save cut short by %s fails loudly and leaves the previous queue intact', async (_what, op, after, code) => {
    const store = createFileQueueStore(dir.path);
    await store.save(queueOf(2, 0));
    const before = await readFile(store.path, 'utf8');

    faults.push({ op, after, code });
    await expect(store.save(queueOf(3000, 100))).rejects.toMatchObject({ code });
    expect(await readFile(store.path, 'utf8')).toBe(before);

    // The next start reads the previous queue whole and clears the half-written temp file.
    const restarted = createFileQueueStore(dir.path);
    expect(await restarted.load()).toEqual(queueOf(2, 0));
    expect(restarted.drainWarnings()).toEqual([]);
    expect(await readdir(dir.path)).toEqual(['queue.json']);
    // And a later save works again.
    await store.save(queueOf(1, 7));
    expect(await restarted.load()).toEqual(queueOf(1, 7));
  });
});

describe('fileQueueStore: a queue file that exists but cannot be read', () => {
  it.each(['EACCES', 'EIO', 'EMFILE'])('%s: load refuses with a clear error and keeps the file as it was', async (code) => {
    const store = createFileQueueStore(dir.path);
    await store.save(queueOf(2));
    const before = await readFile(store.path, 'utf8');
    faults.push({ op: 'readFile', after: 0, code });
    // The system's error stays attached for the log.
    await expect(store.load()).rejects.toMatchObject({ message: `Cannot read the saved queue (${code}).`, cause: { code } });
    expect(await readdir(dir.path)).toEqual(['queue.json']); // not moved aside, not replaced
    expect(await readFile(store.path, 'utf8')).toBe(before);
    expect(store.drainWarnings()).toEqual([]);
  });

  it('a folder where the queue file should be (EISDIR) is refused, not taken for an empty queue', async () => {
    const store = createFileQueueStore(dir.path);
    await mkdir(store.path);
    await writeFile(join(store.path, 'keep'), 'x');
    await expect(store.load()).rejects.toThrow('Cannot read the saved queue (EISDIR).');
    expect(await readFile(join(store.path, 'keep'), 'utf8')).toBe('x');
  });

  it('the queue refuses to start and to take jobs, so no save can overwrite the unreadable jobs; once readable they are all there', async () => {
    const store = createFileQueueStore(dir.path);
    await store.save({ ...queueOf(2), paused: true });
    const before = await readFile(store.path, 'utf8');
    const doc = await dir.pdf('doc.pdf');
    seen.length = 0;
    const queue = new UploadQueue({ server: { baseUrl: 'http://127.0.0.1:9' }, store, tracker: new FakeTracker(), timings: { saveDebounceMs: 0 } });

    faults.push({ op: 'readFile', after: 0, code: 'EACCES' });
    await expect(queue.start()).rejects.toThrow('Cannot read the saved queue (EACCES).');
    faults.push({ op: 'readFile', after: 0, code: 'EACCES' });
    await expect(queue.enqueue({ chartNumber: 'CH-2', files: [doc] })).rejects.toThrow(/Cannot read the saved queue/);
    queue.resumeAll(); // a wish before start: must not write the queue
    await queue.dispose();
    expect(seen.filter((op) => op.startsWith('rename') || op.startsWith('open(w'))).toEqual([]);
    expect(await readFile(store.path, 'utf8')).toBe(before);

    // The file readable again (permissions fixed): every saved job comes back.
    const restarted = createFileQueueStore(dir.path);
    expect((await restarted.load())?.jobs.map((j) => j.id)).toEqual(['local-0', 'local-1']);
  });
});
