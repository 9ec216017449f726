/**
 * The journal when the disk fails under it: a write that takes only part of
 * an append, an append that fails halfway (disk full), a compaction that fails
 * once its new snapshot is in place. The files are real; the faults are
 * injected into node:fs's calls, the rest of each call is the real one.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createJournalQueueStore, JOURNAL_FILE_NAME } from '../../../src/core/persistence/journalQueueStore';
import type { PersistedQueue } from '../../../src/core/queue/types';
import type { QueueJob } from '../../../src/shared/queueJob';
import { makeTempDir, type TempDir } from '../../support/files';
import { recordingLogger } from '../../support/recordingLogger';
import { sampleJob } from '../../support/sampleJob';

vi.mock('node:fs', { spy: true });
vi.mock('node:fs/promises', { spy: true });

const realFs = await vi.importActual<typeof fs>('node:fs');
const realFsp = await vi.importActual<typeof fsp>('node:fs/promises');

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('intake-journal-faults-');
});
afterEach(async () => {
  vi.mocked(fs.write).mockReset();
  vi.mocked(fsp.open).mockReset();
  await dir.remove();
});

function job(n: number, changes: Partial<QueueJob> = {}): QueueJob {
  return Object.freeze(sampleJob({ id: `local-${n}`, idempotencyKey: `key-${n}`, jobId: `srv-${n}`, stage: 'tracking', createdAt: n, updatedAt: n, ...changes }));
}

const queue = (jobs: QueueJob[], paused = false): PersistedQueue => ({ version: 1, jobs, paused });
const journalPath = () => join(dir.path, JOURNAL_FILE_NAME);
const diskFull = () => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
type WriteCallback = (error: NodeJS.ErrnoException | null, written: number) => void;

/** The next write to a descriptor takes at most `bytes` of what it is given (as write(2) may). */
function nextWriteTakesOnly(bytes: number): void {
  vi.mocked(fs.write).mockImplementationOnce(((fd: number, buffer: Buffer, offset: number, length: number, position: number | null, callback: WriteCallback) =>
    realFs.write(fd, buffer, offset, Math.min(length, bytes), position, callback)) as unknown as typeof fs.write);
}

async function loadFresh(): Promise<{ queue: PersistedQueue | null; warnings: string[] }> {
  const store = createJournalQueueStore(dir.path);
  const loaded = await store.load();
  return { queue: loaded, warnings: store.drainWarnings() };
}

describe('the journal when the disk fails', () => {
  it('an append the disk takes in parts is written whole', async () => {
    const store = createJournalQueueStore(dir.path);
    await store.save(queue([job(1)]));
    nextWriteTakesOnly(10);
    await store.save(queue([job(1, { stage: 'completed' }), job(2)]));
    expect(await loadFresh()).toEqual({ queue: queue([job(1, { stage: 'completed' }), job(2)]), warnings: [] });
  });

  it('an append that fails halfway (disk full) fails the save; the next save is read back whole, without a torn line', async () => {
    const store = createJournalQueueStore(dir.path);
    await store.save(queue([job(1), job(2)]));
    await store.save(queue([job(1, { stage: 'completed' }), job(2)]));
    nextWriteTakesOnly(10);
    vi.mocked(fs.write).mockImplementationOnce(((...args: unknown[]) => (args.at(-1) as WriteCallback)(diskFull(), 0)) as unknown as typeof fs.write);
    await expect(store.save(queue([job(1, { stage: 'completed' }), job(2, { stage: 'failed' })]))).rejects.toThrow('ENOSPC');
    await store.save(queue([job(1, { stage: 'completed' }), job(2, { stage: 'cancelled' })]));
    expect(await loadFresh()).toEqual({ queue: queue([job(1, { stage: 'completed' }), job(2, { stage: 'cancelled' })]), warnings: [] });
  });

  it("a save that fails takes the queue's changes with it: the next save, handed only its own, writes every job (it compacts) and nothing is lost", async () => {
    const store = createJournalQueueStore(dir.path);
    const jobs = [job(1), job(2)];
    await store.save(queue(jobs), new Map(jobs.map((j) => [j.id, j])));
    const first = job(1, { stage: 'completed' });
    vi.mocked(fs.write).mockImplementationOnce(((...args: unknown[]) => (args.at(-1) as WriteCallback)(diskFull(), 0)) as unknown as typeof fs.write);
    await expect(store.save(queue([first, jobs[1]!]), new Map([[first.id, first]]))).rejects.toThrow('ENOSPC');
    const second = job(2, { stage: 'failed' });
    await store.save(queue([first, second]), new Map([[second.id, second]]));
    expect(await loadFresh()).toEqual({ queue: queue([first, second]), warnings: [] });
  });

  it('a compaction that fails once its snapshot is in place (no room for the new journal): the save that started it still succeeds, the operator log says so, and the changes saved after it are kept', async () => {
    const log = recordingLogger();
    const store = createJournalQueueStore(dir.path, { minCompactBytes: 1, logger: log.logger });
    let jobs = Array.from({ length: 20 }, (_, n) => job(n));
    await store.save(queue(jobs));
    let failed = false;
    vi.mocked(fsp.open).mockImplementation((async (path: fs.PathLike, ...rest: unknown[]) => {
      if (!failed && String(path).startsWith(`${journalPath()}.tmp-`)) {
        failed = true;
        throw diskFull();
      }
      return (realFsp.open as (...args: unknown[]) => Promise<fsp.FileHandle>)(path, ...rest);
    }) as typeof fsp.open);
    // Jobs added until the journal outgrows the snapshot: that save compacts, and its compaction fails.
    let outcome = '';
    while (!failed && jobs.length < 100) {
      jobs = [...jobs, job(jobs.length)];
      outcome = await store.save(queue(jobs)).then(
        () => 'saved',
        (error: unknown) => String(error),
      );
    }
    expect(failed).toBe(true);
    // Its own change was appended and synced before the compaction began.
    expect(outcome).toBe('saved');
    expect(log.lines).toEqual([
      { level: 'warn', message: 'queue compaction failed; the next save tries again', fields: { error: 'Error: ENOSPC: no space left on device' } },
    ]);
    expect((await loadFresh()).queue).toEqual(queue(jobs));
    jobs = [job(0, { stage: 'completed' }), ...jobs.slice(1)];
    await store.save(queue(jobs));
    expect(await loadFresh()).toEqual({ queue: queue(jobs), warnings: [] });
  });
});
