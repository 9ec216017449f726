/**
 * The queue on disk as an append-only journal with periodic compaction, so a
 * status change costs a write of that one job, not of the whole history.
 *
 * `<dir>/queue.snapshot`: the whole queue at one generation, replaced
 * atomically (temp → write → fsync → rename). `<dir>/queue.journal`: the
 * changes since that snapshot, one checksummed line per job state (see
 * journalLines.ts), appended and made durable before save() resolves. Each
 * line holds a job's whole new state, so a crash at any point leaves each job
 * in its old or its new state; a torn last line is detected, dropped with a
 * warning and cut off before the next append. Handed the queue's changes
 * (save's second argument), a save looks at only those jobs; without them it
 * finds the changed ones among all by identity.
 *
 * Compaction (journal larger than the snapshot, and at least minCompactBytes)
 * writes snapshot G+1 first, then an empty journal G+1. A crash between the
 * two leaves a journal of generation G next to snapshot G+1: it is stale
 * (everything in it is in the snapshot) and ignored.
 *
 * The queue file of an older version (v1 queue.json, or the app's
 * electron-store key) is migrated explicitly: read once through its own
 * loader, written as snapshot 1, then retired.
 */
import { close as closeCb, constants as fsConstants, fdatasync as fdatasyncCb, open as openCb, write as writeCb } from 'node:fs';
import { open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../base/logger';
import type { QueueJob } from '../../shared/queueJob';
import type { PersistedQueue, QueueStore, SavedChanges } from '../queue/types';
import { readSavedFile, writeAtomically } from './atomicFile';
import { decodeLines, encodeLine } from './journalLines';
import { parsePersistedQueue } from './persistedQueue';

export const SNAPSHOT_FILE_NAME = 'queue.snapshot';
export const JOURNAL_FILE_NAME = 'queue.journal';
const FORMAT_VERSION = 2;
const DEFAULT_MIN_COMPACT_BYTES = 1024 * 1024;
const CHUNK_CHARS = 256 * 1024;
/** Jobs encoded between two turns of the event loop (a thousand changed jobs would block it for milliseconds). */
const YIELD_EVERY = 200;

/** Where an older version kept the queue: read once, then retired (renamed or deleted) after the migration is durable. */
export interface LegacyQueueSource {
  load(): Promise<PersistedQueue | null>;
  retire(): Promise<void>;
  drainWarnings?(): string[];
}

export interface JournalQueueStoreOptions {
  logger?: Logger;
  legacy?: LegacyQueueSource;
  /** The journal is compacted once it is larger than the snapshot and than this. Default 1 MiB. */
  minCompactBytes?: number;
}

export interface JournalQueueStore extends QueueStore {
  readonly dir: string;
  drainWarnings(): string[];
}

type Header = { format: 'snapshot' | 'journal'; version: number; generation: number };
/** What the disk holds for a job: the object last written (by identity) and its journal line (checksummed JSON). */
type Written = { job: QueueJob; line: string | null };

// The journal's descriptor calls, looked up when called (the crash test watches node:fs).
const openFd = (path: string, flags: string | number, mode: number) => new Promise<number>((resolve, reject) => openCb(path, flags, mode, (error, fd) => (error ? reject(error) : resolve(fd))));
const closeFd = (fd: number) => new Promise<void>((resolve, reject) => closeCb(fd, (error) => (error ? reject(error) : resolve())));
const fdatasyncFd = (fd: number) => new Promise<void>((resolve, reject) => fdatasyncCb(fd, (error) => (error ? reject(error) : resolve())));
const writeFd = (fd: number, bytes: Buffer, offset: number, length: number) =>
  new Promise<number>((resolve, reject) => writeCb(fd, bytes, offset, length, null, (error, written) => (error ? reject(error) : resolve(written))));

/**
 * Where the OS has it (everywhere but Windows) the journal is opened O_DSYNC: each write returns once its
 * bytes are as durable as write + fdatasync would make them, in one call through the thread pool instead of
 * two (about 8 % off 1,000 awaited one-by-one enqueues in the bench). Elsewhere: write, then fdatasync.
 */
const { O_APPEND, O_CREAT, O_DSYNC, O_WRONLY } = fsConstants;
const SYNCED_APPEND = O_DSYNC === undefined ? null : O_WRONLY | O_APPEND | O_CREAT | O_DSYNC;

/** All of `text` at the end of the file (a write may take part of it). */
async function appendAll(fd: number, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length; ) done += await writeFd(fd, bytes, done, bytes.length - done);
}

export function createJournalQueueStore(dir: string, options: JournalQueueStoreOptions = {}): JournalQueueStore {
  const logger = options.logger ?? silentLogger;
  const minCompactBytes = options.minCompactBytes ?? DEFAULT_MIN_COMPACT_BYTES;
  const snapshotPath = join(dir, SNAPSHOT_FILE_NAME);
  const journalPath = join(dir, JOURNAL_FILE_NAME);
  let warnings: string[] = [];
  let written = new Map<string, Written>();
  let writtenPaused = false;
  let generation = 0;
  let snapshotBytes = 0;
  let journalBytes = 0;
  /** The journal cannot be appended to (none yet, stale, or a failed append or compaction may have left it so): compact next. */
  let needsCompaction = true;
  let tempCounter = 0;
  // One write at a time, in order: an append must never overtake a compaction.
  let writing: Promise<void> = Promise.resolve();
  /**
   * The journal's descriptor, open for appending between saves (an open and a close less per change);
   * closed before a compaction replaces the file, and by close(). A plain descriptor, not a FileHandle:
   * a store dropped without close() must not warn when it is collected.
   */
  let journal: number | null = null;
  const closeJournal = async (): Promise<void> => {
    const fd = journal;
    journal = null;
    if (fd !== null) await closeFd(fd).catch(() => undefined);
  };

  const warn = (message: string): void => {
    warnings.push(message);
    logger.warn(message);
  };
  const temp = (path: string) => `${path}.tmp-${process.pid}-${(tempCounter += 1)}`;

  async function compact(state: PersistedQueue): Promise<void> {
    // Until the new journal is in place: a compaction that fails after its snapshot leaves the journal stale.
    needsCompaction = true;
    await closeJournal();
    const next = generation + 1;
    const fresh = new Map<string, Written>();
    const lines: string[] = [header('snapshot', next), encodeLine(JSON.stringify({ paused: state.paused }))];
    let encoded = 0;
    for (const job of state.jobs) {
      const known = written.get(job.id);
      let line = known?.job === job ? known.line : null;
      if (line === null) {
        line = jobLine(job);
        if ((encoded += 1) % YIELD_EVERY === 0) await nextTurn();
      }
      fresh.set(job.id, { job, line });
      lines.push(line);
    }
    snapshotBytes = 0;
    for (const line of lines) snapshotBytes += Buffer.byteLength(line);
    await writeAtomically(dir, snapshotPath, temp(snapshotPath), chunked(lines));
    const journalHeader = header('journal', next);
    await writeAtomically(dir, journalPath, temp(journalPath), [journalHeader]);
    generation = next;
    journalBytes = Buffer.byteLength(journalHeader);
    written = fresh;
    writtenPaused = state.paused;
    needsCompaction = false;
  }

  async function append(state: PersistedQueue, changes: SavedChanges | undefined): Promise<void> {
    if (needsCompaction) return compact(state);
    const { candidates, removed } = toLookAt(state, changes);
    const changed: Array<[string, Written]> = [];
    let text = '';
    for (const job of candidates) {
      const known = written.get(job.id);
      // Jobs are frozen and replaced whole when they change: the same object is the same state.
      if (known?.job === job && Object.isFrozen(job)) continue;
      const line = jobLine(job);
      changed.push([job.id, { job, line }]);
      // Jobs are frozen, and `state.jobs` and `changes` are the caller's own: nothing moves while we let others run.
      if (changed.length % YIELD_EVERY === 0) await nextTurn();
      if (known?.line === line) continue;
      text += line;
    }
    for (const id of removed) text += encodeLine(JSON.stringify({ remove: id }));
    if (state.paused !== writtenPaused) text += encodeLine(JSON.stringify({ paused: state.paused }));
    if (text !== '') {
      // Until the append is whole and synced: a failed one may have left half a line, and its changes are not
      // in the next save's. The next save compacts instead, which writes every job.
      needsCompaction = true;
      try {
        journal ??= await openFd(journalPath, SYNCED_APPEND ?? 'a', 0o600);
        await appendAll(journal, text);
        if (SYNCED_APPEND === null) await fdatasyncFd(journal);
      } catch (error) {
        await closeJournal();
        throw error;
      }
      needsCompaction = false;
      journalBytes += Buffer.byteLength(text);
    }
    for (const [id, entry] of changed) written.set(id, entry);
    for (const id of removed) written.delete(id);
    writtenPaused = state.paused;
    if (journalBytes > Math.max(minCompactBytes, snapshotBytes)) {
      // The change is durable already: a compaction that fails is the next save's to do again, not this save's failure
      // (the caller would tell the user a job that is on disk was not queued).
      await compact(state).catch((error: unknown) => logger.warn('queue compaction failed; the next save tries again', { error: String(error) }));
    }
  }

  /**
   * The jobs that may have changed and the ids to remove: with the queue's changes, only those; without them,
   * every job (compared by identity) and every id on disk the state no longer has.
   */
  function toLookAt(state: PersistedQueue, changes: SavedChanges | undefined): { candidates: Iterable<QueueJob>; removed: string[] } {
    if (changes === undefined) return { candidates: state.jobs, removed: removedIds(state.jobs) };
    const candidates: QueueJob[] = [];
    const removed: string[] = [];
    for (const [id, job] of changes) {
      if (job !== null) candidates.push(job);
      else if (written.has(id)) removed.push(id);
    }
    return { candidates, removed };
  }

  /** Ids on disk that `jobs` no longer has; cheap when nothing was removed (the counts match). */
  function removedIds(jobs: readonly QueueJob[]): string[] {
    let added = 0;
    for (const job of jobs) if (!written.has(job.id)) added += 1;
    if (written.size + added === jobs.length) return [];
    const present = new Set(jobs.map((job) => job.id));
    return [...written.keys()].filter((id) => !present.has(id));
  }

  async function readState(): Promise<PersistedQueue | null> {
    const snapshot = await readSavedFile(snapshotPath);
    const journal = await readSavedFile(journalPath);
    if (snapshot === null && journal === null) return migrateLegacy();
    const jobs = new Map<string, unknown>();
    let paused = false;
    const apply = (record: unknown) => {
      const r = record as { job?: { id?: unknown }; remove?: unknown; paused?: unknown };
      if (typeof r.job === 'object' && r.job !== null && typeof r.job.id === 'string') jobs.set(r.job.id, r.job);
      else if (typeof r.remove === 'string') jobs.delete(r.remove);
      else if (typeof r.paused === 'boolean') paused = r.paused;
    };
    generation = 0;
    snapshotBytes = 0;
    if (snapshot !== null) {
      const lines = decodeLines(snapshot);
      const head = readHeader(lines.records[0], 'snapshot');
      if (head === null || lines.tailBytes > 0) warn('The saved queue snapshot is damaged; the jobs that could be read were kept.');
      generation = head?.generation ?? 0;
      snapshotBytes = snapshot.length;
      lines.records.slice(1).forEach(apply);
    }
    needsCompaction = true;
    if (journal !== null) {
      const lines = decodeLines(journal);
      const head = readHeader(lines.records[0], 'journal');
      if (head !== null && head.generation === generation) {
        lines.records.slice(1).forEach(apply);
        if (lines.tailBytes > 0) {
          warn(`The queue journal ended in a torn or damaged record (${lines.tailBytes} bytes, from a crash while saving); it was dropped. Changes that were not yet saved are lost.`);
          await cutOff(journalPath, lines.goodBytes);
        }
        journalBytes = lines.goodBytes;
        needsCompaction = false;
      } else if (head === null || head.generation > generation) {
        warn('The queue journal does not belong to the saved snapshot; it was ignored.');
      }
      // A journal older than the snapshot: a compaction stopped halfway; the snapshot has all of it.
    }
    const parsed = parsePersistedQueue({ version: 1, jobs: [...jobs.values()], paused });
    for (const message of parsed.warnings) warn(message);
    remember(parsed.queue);
    return parsed.queue;
  }

  async function migrateLegacy(): Promise<PersistedQueue | null> {
    if (options.legacy === undefined) return null;
    const queue = await options.legacy.load();
    for (const message of options.legacy.drainWarnings?.() ?? []) warn(message);
    if (queue === null) return null;
    await compact(queue);
    await options.legacy.retire();
    logger.info('queue migrated to the journal', { jobs: queue.jobs.length });
    return queue;
  }

  /** What was read is what the disk holds: the next save writes only what differs from it. */
  function remember(queue: PersistedQueue | null): void {
    written = new Map((queue?.jobs ?? []).map((job) => [job.id, { job, line: null }]));
    writtenPaused = queue?.paused ?? false;
  }

  async function removeStaleTempFiles(): Promise<void> {
    const names = await readdir(dir).catch(() => [] as string[]);
    // Left by a crash before a rename; the real files are intact.
    const stale = names.filter((name) => name.startsWith(`${SNAPSHOT_FILE_NAME}.tmp-`) || name.startsWith(`${JOURNAL_FILE_NAME}.tmp-`));
    await Promise.all(stale.map((name) => unlink(join(dir, name)).catch(() => undefined)));
  }

  return {
    dir,
    drainWarnings() {
      const out = warnings;
      warnings = [];
      return out;
    },
    async load() {
      await writing;
      await closeJournal();
      await removeStaleTempFiles();
      return readState();
    },
    save(state: PersistedQueue, changes?: SavedChanges) {
      const run = writing.then(() => append(state, changes));
      writing = run.catch(() => undefined);
      return run;
    },
    async close() {
      await writing;
      await closeJournal();
    },
  };
}

/** A job's record: kept per job, so a compaction writes the line of an unchanged job without encoding it again. */
const jobLine = (job: QueueJob): string => encodeLine(`{"job":${JSON.stringify(job)}}`);

function header(format: Header['format'], generation: number): string {
  return encodeLine(JSON.stringify({ format, version: FORMAT_VERSION, generation }));
}

function readHeader(record: unknown, format: Header['format']): Header | null {
  const head = record as Partial<Header> | undefined;
  if (head?.format !== format || head.version !== FORMAT_VERSION) return null;
  return typeof head.generation === 'number' && Number.isInteger(head.generation) ? (head as Header) : null;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function* chunked(lines: readonly string[]): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

/** Drops a torn tail so the next append starts on a line boundary. */
async function cutOff(path: string, bytes: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
