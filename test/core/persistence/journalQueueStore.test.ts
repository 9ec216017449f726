import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { mkdir, readdir, readFile, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as atomicFile from '../../../src/core/persistence/atomicFile';
import { createFileQueueStore, createStateDirQueueStore } from '../../../src/core/persistence/fileQueueStore';
import { encodeLine } from '../../../src/core/persistence/journalLines';
import { createJournalQueueStore, JOURNAL_FILE_NAME, SNAPSHOT_FILE_NAME } from '../../../src/core/persistence/journalQueueStore';
import type { PersistedQueue } from '../../../src/core/queue/UploadQueue';
import type { QueueJob } from '../../../src/shared/queueJob';
import { makeTempDir, type TempDir } from '../../support/files';
import { openDescriptorCount, openDescriptors } from '../../support/openDescriptors';
import { sampleJob } from '../../support/sampleJob';

vi.mock('../../../src/core/persistence/atomicFile', { spy: true });

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('intake-journal-');
});
afterEach(async () => {
  vi.clearAllMocks();
  await dir.remove();
});

function job(n: number, changes: Partial<QueueJob> = {}): QueueJob {
  return Object.freeze(sampleJob({ id: `local-${n}`, idempotencyKey: `key-${n}`, jobId: `srv-${n}`, stage: 'tracking', createdAt: n, updatedAt: n, ...changes }));
}

const queue = (jobs: QueueJob[], paused = false): PersistedQueue => ({ version: 1, jobs, paused });
const journalPath = () => join(dir.path, JOURNAL_FILE_NAME);
const size = async (path: string) => (await stat(path)).size;
/** Records in the journal: one per line. */
const journalRecords = async () => (await readFile(journalPath(), 'utf8')).split('\n').length - 1;

describe('createJournalQueueStore', () => {
  it('reads back exactly what was saved: changes, removals and the pause flag', async () => {
    const store = createJournalQueueStore(dir.path);
    expect(await store.load()).toBeNull();
    const jobs = [job(1), job(2), job(3)];
    await store.save(queue(jobs));
    await store.save(queue([jobs[0]!, job(2, { stage: 'completed' }), jobs[2]!], true));
    await store.save(queue([job(2, { stage: 'completed' }), jobs[2]!, job(4)], true));
    const loaded = await createJournalQueueStore(dir.path).load();
    expect(loaded).toEqual(queue([job(2, { stage: 'completed' }), job(3), job(4)], true));
    expect(store.drainWarnings()).toEqual([]);
  });

  it('a status change appends that one job, whatever the size of the history', async () => {
    const store = createJournalQueueStore(dir.path);
    const jobs = Array.from({ length: 2000 }, (_, n) => job(n));
    await store.save(queue(jobs));
    const before = await size(journalPath());
    const changed = [...jobs];
    changed[1234] = job(1234, { stage: 'completed', updatedAt: 99 });
    await store.save(queue(changed));
    const grown = (await size(journalPath())) - before;
    expect(grown).toBeGreaterThan(JSON.stringify(changed[1234]).length);
    expect(grown).toBeLessThan(JSON.stringify(changed[1234]).length + 40);
    // Nothing changed: nothing written.
    await store.save(queue(changed));
    expect(await size(journalPath())).toBe(before + grown);
  });

  it("with the queue's changes, only those jobs are looked at: a change, a removal and a new job are saved; a job not among them is not even compared", async () => {
    const store = createJournalQueueStore(dir.path);
    const jobs = Array.from({ length: 5 }, (_, n) => job(n));
    await store.save(queue(jobs));
    const before = await size(journalPath());
    const recordsBefore = await journalRecords();
    const changed = job(1, { stage: 'completed', updatedAt: 99 });
    const added = job(7);
    // Job 3 differs too, but the queue did not hand it over: the store trusts the changes and writes only them.
    const state = queue([jobs[0]!, changed, jobs[2]!, job(3, { stage: 'failed' }), added]);
    // Job 8 came and went between two saves: never written, so there is nothing to remove.
    await store.save(state, new Map<string, QueueJob | null>([[changed.id, changed], [jobs[4]!.id, null], [added.id, added], [job(8).id, null]]));
    expect(await journalRecords()).toBe(recordsBefore + 3);
    expect(await createJournalQueueStore(dir.path).load()).toEqual(queue([jobs[0]!, changed, jobs[2]!, jobs[3]!, added]));
    // Nothing changed: nothing written, whatever the queue's length.
    const grown = await size(journalPath());
    expect(grown).toBeGreaterThan(before);
    await store.save(state, new Map());
    expect(await size(journalPath())).toBe(grown);
  });

  it('keeps the journal open between appends, reopens it after a compaction replaced it, and close() lets it go', async () => {
    const journalOpen = () => openDescriptorCount(journalPath());
    const store = createJournalQueueStore(dir.path, { minCompactBytes: 4096 });
    await store.load();
    await store.save(queue([job(1)])); // the first save compacts: a fresh journal, not yet open
    await store.save(queue([job(1, { stage: 'completed' })]));
    expect(await journalOpen()).toBe(1);
    const many = Array.from({ length: 40 }, (_, n) => job(n + 10));
    await store.save(queue(many)); // outgrows the snapshot: compacted, the old descriptor closed
    await store.save(queue([...many.slice(1), job(10, { stage: 'completed' })]));
    expect(await journalOpen()).toBe(1);
    await store.close!();
    expect(await journalOpen()).toBe(0);
    const loaded = await createJournalQueueStore(dir.path).load();
    expect(loaded?.jobs.find((j) => j.id === 'local-10')?.stage).toBe('completed');
    expect(loaded?.jobs).toHaveLength(40);
  });

  it('appends through a descriptor opened O_DSYNC (Linux): each write is durable when it returns, with no fdatasync after it', async () => {
    // Linux: the open flags of the journal's descriptor, in octal in /proc/self/fdinfo.
    const journalFlags = async () => {
      const [fd] = await openDescriptors(journalPath());
      const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8');
      return Number.parseInt(/^flags:\s+([0-7]+)$/m.exec(info)![1]!, 8);
    };
    const realFdatasync = fs.fdatasync;
    let fdatasyncs = 0;
    fs.fdatasync = ((...args: Parameters<typeof fs.fdatasync>) => ((fdatasyncs += 1), realFdatasync(...args))) as typeof fs.fdatasync;
    syncBuiltinESMExports();
    try {
      const store = createJournalQueueStore(dir.path);
      await store.load();
      await store.save(queue([job(1)])); // the first save compacts
      await store.save(queue([job(1, { stage: 'completed' })]));
      await store.save(queue([job(1, { stage: 'completed' }), job(2)]));
      const flags = await journalFlags();
      const { O_APPEND, O_DSYNC, O_WRONLY } = fs.constants;
      expect(flags! & (O_APPEND | O_DSYNC | O_WRONLY)).toBe(O_APPEND | O_DSYNC | O_WRONLY);
      expect(fdatasyncs).toBe(0);
      await store.close!();
      expect((await createJournalQueueStore(dir.path).load())?.jobs).toEqual([job(1, { stage: 'completed' }), job(2)]);
    } finally {
      fs.fdatasync = realFdatasync;
      syncBuiltinESMExports();
    }
  });

  it('compacts once the journal outgrows the snapshot: snapshot first, then a fresh journal, each replaced atomically', async () => {
    const store = createJournalQueueStore(dir.path, { minCompactBytes: 1000 });
    let jobs = [job(1), job(2)];
    await store.save(queue(jobs));
    vi.mocked(atomicFile.writeAtomically).mockClear();
    for (let n = 0; n < 20; n += 1) {
      jobs = [job(1, { updatedAt: 100 + n }), jobs[1]!];
      await store.save(queue(jobs));
    }
    const targets = vi.mocked(atomicFile.writeAtomically).mock.calls.map(([, path]) => path.slice(dir.path.length + 1));
    expect(targets.length).toBeGreaterThanOrEqual(2);
    expect(targets.slice(0, 2)).toEqual([SNAPSHOT_FILE_NAME, JOURNAL_FILE_NAME]);
    expect(await size(journalPath())).toBeLessThan(1000 + 400);
    expect(await createJournalQueueStore(dir.path).load()).toEqual(queue(jobs));
    expect((await readdir(dir.path)).sort()).toEqual([JOURNAL_FILE_NAME, SNAPSHOT_FILE_NAME]);
  });

  it('a torn last record, cut at any byte, is dropped with a warning: that job keeps its old state; the next save appends cleanly', async () => {
    const base = createJournalQueueStore(dir.path);
    await base.save(queue([job(1), job(2)]));
    await base.save(queue([job(1, { stage: 'completed' }), job(2)]));
    const whole = await size(journalPath());
    await base.save(queue([job(1, { stage: 'completed' }), job(2, { stage: 'failed' })]));
    const grown = await readFile(journalPath());
    for (let cut = whole + 1; cut < grown.length; cut += 7) {
      await writeFile(journalPath(), grown.subarray(0, cut));
      const store = createJournalQueueStore(dir.path);
      expect(await store.load()).toEqual(queue([job(1, { stage: 'completed' }), job(2)]));
      expect(store.drainWarnings()).toEqual([expect.stringMatching(/torn or damaged record \(\d+ bytes/)]);
      expect(await size(journalPath())).toBe(whole);
      await store.save(queue([job(1, { stage: 'completed' }), job(2, { stage: 'cancelled' })]));
      expect(await createJournalQueueStore(dir.path).load()).toEqual(queue([job(1, { stage: 'completed' }), job(2, { stage: 'cancelled' })]));
    }
  });

  it('a damaged record in the middle ends the good part there, with a warning', async () => {
    const store = createJournalQueueStore(dir.path);
    await store.save(queue([job(1)]));
    await store.save(queue([job(1), job(2)]));
    await store.save(queue([job(1), job(2), job(3)]));
    const text = await readFile(journalPath(), 'utf8');
    await writeFile(journalPath(), text.replace('"key-2"', '"kez-2"'));
    const reopened = createJournalQueueStore(dir.path);
    expect((await reopened.load())?.jobs.map((j) => j.id)).toEqual(['local-1']);
    expect(reopened.drainWarnings()).toHaveLength(1);
  });

  it('a journal older than the snapshot (a compaction stopped halfway) is ignored: the snapshot holds it all', async () => {
    const store = createJournalQueueStore(dir.path, { minCompactBytes: 1 });
    await store.save(queue([job(1)]));
    await store.save(queue([job(1, { updatedAt: -1 })]));
    const oldJournal = await readFile(journalPath()); // generation 1, with a change in it
    const firstSnapshot = (await stat(join(dir.path, SNAPSHOT_FILE_NAME))).ino;
    let n = 0;
    // Until the journal outgrows the snapshot and a compaction replaces it (generation 2).
    while ((await stat(join(dir.path, SNAPSHOT_FILE_NAME))).ino === firstSnapshot) await store.save(queue([job(1, { updatedAt: (n += 1) })]));
    await writeFile(journalPath(), oldJournal);
    const reopened = createJournalQueueStore(dir.path);
    expect(await reopened.load()).toEqual(queue([job(1, { updatedAt: n })]));
    expect(reopened.drainWarnings()).toEqual([]);
  });

  it('a journal newer than the snapshot (an older snapshot put back) is ignored with a warning; the next save makes the pair whole again', async () => {
    const snapshotPath = join(dir.path, SNAPSHOT_FILE_NAME);
    const store = createJournalQueueStore(dir.path, { minCompactBytes: 1 });
    await store.save(queue([job(1)]));
    const firstSnapshot = await readFile(snapshotPath); // generation 1
    const firstIno = (await stat(snapshotPath)).ino;
    let n = 0;
    while ((await stat(snapshotPath)).ino === firstIno) await store.save(queue([job(1, { updatedAt: (n += 1) })]));
    await store.save(queue([job(1, { updatedAt: 1000 }), job(2)])); // appended to the generation-2 journal
    await writeFile(snapshotPath, firstSnapshot);
    const reopened = createJournalQueueStore(dir.path);
    expect(await reopened.load()).toEqual(queue([job(1)]));
    expect(reopened.drainWarnings()).toEqual(['The queue journal does not belong to the saved snapshot; it was ignored.']);
    expect(reopened.drainWarnings()).toEqual([]); // said once
    await reopened.save(queue([job(1), job(3)], true));
    const again = createJournalQueueStore(dir.path);
    expect(await again.load()).toEqual(queue([job(1), job(3)], true));
    expect(again.drainWarnings()).toEqual([]);
  });

  it('a journal whose first line is damaged is ignored with a warning; a snapshot of an unknown format version keeps the jobs it holds, with a warning', async () => {
    const store = createJournalQueueStore(dir.path);
    await store.save(queue([job(1), job(2)], true));
    await store.save(queue([job(1), job(2, { updatedAt: 99 })], true));
    const journal = await readFile(journalPath(), 'utf8');
    await writeFile(journalPath(), journal.replace('"journal"', '"journax"'));
    const noJournal = createJournalQueueStore(dir.path);
    expect(await noJournal.load()).toEqual(queue([job(1), job(2)], true));
    expect(noJournal.drainWarnings()).toEqual(['The queue journal does not belong to the saved snapshot; it was ignored.']);

    const snapshotPath = join(dir.path, SNAPSHOT_FILE_NAME);
    // A whole, checksummed first line of another format version (a newer Intake's snapshot, say).
    const [, ...records] = (await readFile(snapshotPath, 'utf8')).split(/(?<=\n)/);
    await writeFile(snapshotPath, [encodeLine(JSON.stringify({ format: 'snapshot', version: 99, generation: 1 })), ...records].join(''));
    await writeFile(journalPath(), journal);
    const damaged = createJournalQueueStore(dir.path);
    expect((await damaged.load())?.jobs.map((j) => j.id)).toEqual(['local-1', 'local-2']);
    expect(damaged.drainWarnings()[0]).toBe('The saved queue snapshot is damaged; the jobs that could be read were kept.');
  });

  it('an unreadable journal stops the load with a clear error instead of passing for an empty queue', async () => {
    await mkdir(journalPath());
    await expect(createJournalQueueStore(dir.path).load()).rejects.toThrow('Cannot read the saved queue (EISDIR).');
  });

  it('jobs removed while every job is replaced are gone after a reload', async () => {
    const store = createJournalQueueStore(dir.path);
    await store.save(queue([job(1)]));
    await store.save(queue([job(2)])); // one out, one in
    expect(await createJournalQueueStore(dir.path).load()).toEqual(queue([job(2)]));
    await store.save(queue([job(2), job(3)]));
    await store.save(queue([job(4)])); // two out, one in
    expect(await createJournalQueueStore(dir.path).load()).toEqual(queue([job(4)]));
  });

  it('after a reload: the loaded queue saved unchanged writes nothing; a removal and a resume right after it last', async () => {
    const first = createJournalQueueStore(dir.path);
    await first.save(queue([job(1), job(2), job(3)]));
    await first.save(queue([job(1), job(2, { stage: 'completed' }), job(3)], true));
    const store = createJournalQueueStore(dir.path);
    const loaded = (await store.load())!;
    expect(loaded).toEqual(queue([job(1), job(2, { stage: 'completed' }), job(3)], true));
    const jobs = loaded.jobs.map((j) => Object.freeze(j)); // as the queue keeps them
    const before = await size(journalPath());
    await store.save(queue(jobs, true));
    expect(await size(journalPath())).toBe(before);
    await store.save(queue([jobs[0]!, jobs[2]!], false));
    expect(await createJournalQueueStore(dir.path).load()).toEqual(queue([job(1), job(3)], false));
  });

  it('compacts only once the journal outgrows the snapshot: a change to a long queue is appended, even with a tiny threshold', async () => {
    const snapshotPath = join(dir.path, SNAPSHOT_FILE_NAME);
    const store = createJournalQueueStore(dir.path, { minCompactBytes: 1 });
    const jobs = Array.from({ length: 50 }, (_, n) => job(n));
    await store.save(queue(jobs));
    const snapshot = (await stat(snapshotPath)).ino;
    const changed = [...jobs];
    for (let n = 0; n < 5; n += 1) {
      changed[n] = job(n, { stage: 'completed' });
      await store.save(queue(changed));
    }
    expect((await stat(snapshotPath)).ino).toBe(snapshot);
    expect(await createJournalQueueStore(dir.path).load()).toEqual(queue(changed));
  });

  it('a queue larger than one write of the snapshot (256 KiB) reads back whole', async () => {
    const store = createJournalQueueStore(dir.path);
    const jobs = Array.from({ length: 2000 }, (_, n) => job(n));
    await store.save(queue(jobs, true));
    expect(await size(join(dir.path, SNAPSHOT_FILE_NAME))).toBeGreaterThan(2 * 256 * 1024);
    const reopened = createJournalQueueStore(dir.path);
    expect(await reopened.load()).toEqual(queue(jobs, true));
    expect(reopened.drainWarnings()).toEqual([]);
  });

  it('a snapshot without its journal (the first compaction stopped between the two) is read alone, and the next save makes the pair whole', async () => {
    const store = createJournalQueueStore(dir.path);
    await store.save(queue([job(1), job(2)], true));
    await unlink(journalPath());
    const reopened = createJournalQueueStore(dir.path);
    expect(await reopened.load()).toEqual(queue([job(1), job(2)], true));
    expect(reopened.drainWarnings()).toEqual([]);
    await reopened.save(queue([job(1), job(2, { stage: 'completed' })], true));
    const again = createJournalQueueStore(dir.path);
    expect(await again.load()).toEqual(queue([job(1), job(2, { stage: 'completed' })], true));
    expect(again.drainWarnings()).toEqual([]);
  });

  it('a journal without its snapshot is ignored with a warning: an empty queue, not paused', async () => {
    const store = createJournalQueueStore(dir.path);
    await store.save(queue([job(1)], true));
    await store.save(queue([job(1, { stage: 'completed' }), job(2)], true));
    await unlink(join(dir.path, SNAPSHOT_FILE_NAME));
    const reopened = createJournalQueueStore(dir.path);
    expect(await reopened.load()).toEqual(queue([], false));
    expect(reopened.drainWarnings()).toEqual(['The queue journal does not belong to the saved snapshot; it was ignored.']);
  });

  it('a snapshot damaged after its first jobs keeps those jobs, with a warning', async () => {
    const store = createJournalQueueStore(dir.path);
    await store.save(queue([job(1), job(2), job(3)]));
    const snapshotPath = join(dir.path, SNAPSHOT_FILE_NAME);
    await writeFile(snapshotPath, (await readFile(snapshotPath, 'utf8')).replace('"key-3"', '"kez-3"'));
    const reopened = createJournalQueueStore(dir.path);
    expect(await reopened.load()).toEqual(queue([job(1), job(2)]));
    expect(reopened.drainWarnings()).toEqual(['The saved queue snapshot is damaged; the jobs that could be read were kept.']);
  });

  it('removes temp files left by a crash before a rename', async () => {
    await writeFile(join(dir.path, `${SNAPSHOT_FILE_NAME}.tmp-1-1`), 'half');
    await writeFile(join(dir.path, `${JOURNAL_FILE_NAME}.tmp-1-2`), 'half');
    await createJournalQueueStore(dir.path).load();
    expect(await readdir(dir.path)).toEqual([]);
  });
});

describe('migrating the queue file of an older version', () => {
  it('a v1 queue.json is loaded, written as the journal, and kept as queue.json.migrated; later loads read the journal', async () => {
    const v1 = queue([job(1), job(2, { stage: 'completed' })], true);
    await createFileQueueStore(dir.path).save(v1);
    const store = createStateDirQueueStore(dir.path);
    expect(await store.load()).toEqual(v1);
    expect((await readdir(dir.path)).sort()).toEqual([JOURNAL_FILE_NAME, 'queue.json.migrated', SNAPSHOT_FILE_NAME]);
    await truncate(join(dir.path, 'queue.json.migrated'), 0);
    expect(await createStateDirQueueStore(dir.path).load()).toEqual(v1);
  });

  it('a damaged v1 file is set aside as before and its readable jobs migrated, with the warning', async () => {
    await writeFile(join(dir.path, 'queue.json'), JSON.stringify({ version: 1, jobs: [job(1), { id: 'broken' }], paused: false }));
    const store = createStateDirQueueStore(dir.path);
    expect((await store.load())?.jobs.map((j) => j.id)).toEqual(['local-1']);
    expect(store.drainWarnings()).toEqual([expect.stringContaining('1 saved job(s) could not be read')]);
    expect((await readdir(dir.path)).some((name) => name.startsWith('queue.json.corrupt-'))).toBe(true);
  });

  it("an older version's queue whose source has no warnings to pass on is migrated", async () => {
    let retired = false;
    const legacy = { load: async () => queue([job(1)], true), retire: async () => void (retired = true) };
    const store = createJournalQueueStore(dir.path, { legacy });
    expect(await store.load()).toEqual(queue([job(1)], true));
    expect(store.drainWarnings()).toEqual([]);
    expect(retired).toBe(true);
    expect(await createJournalQueueStore(dir.path).load()).toEqual(queue([job(1)], true));
  });

  it('nothing saved anywhere: null, and nothing is written', async () => {
    expect(await createStateDirQueueStore(dir.path).load()).toBeNull();
    expect(await readdir(dir.path)).toEqual([]);
  });
});
