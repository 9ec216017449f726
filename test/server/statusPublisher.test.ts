/**
 * Persist, then publish, with the journal: at the moment any frame leaves, a
 * server killed right then would come back knowing that seq or a later one.
 * "Killed right then" is a copy of the data dir taken inside the sink, opened
 * by a fresh JobStore (the live store keeps its own files untouched).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transition } from '../../src/server/jobPipeline';
import { type JobRecord, newJobRecord } from '../../src/server/jobRecord';
import { JobStore } from '../../src/server/jobStore';
import { StatusPublisher, type StatusUpdateFrame } from '../../src/server/statusPublisher';
import { waitFor } from './fixtures/waitFor';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-publisher-test-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** The seq a server started on a copy of `dataDir`, taken now, would know for `jobId`. */
function seqAfterCrash(dataDir: string, jobId: string, copyIndex: number): number | undefined {
  const copy = join(root, `crash-${copyIndex}`);
  cpSync(dataDir, copy, { recursive: true });
  const seq = new JobStore(copy, () => {}).get(jobId)?.seq;
  rmSync(copy, { recursive: true, force: true });
  return seq;
}


describe('StatusPublisher', () => {
  it('every frame is on disk before it leaves, through many batches and compactions', async () => {
    const dataDir = join(root, 'live');
    // A tiny journal bound so compaction happens many times during the test.
    const store = new JobStore(dataDir, () => {}, { journalFloorBytes: 2048 });
    const compact = store.compact.bind(store);
    let compactions = 0;
    store.compact = () => {
      compactions += 1;
      compact();
    };
    const checks: Array<{ frame: number; onDisk: number | undefined }> = [];
    let copies = 0;
    const publisher = new StatusPublisher(
      store,
      (frame: StatusUpdateFrame) => checks.push({ frame: frame.seq, onDisk: seqAfterCrash(dataDir, frame.jobId, copies++) }),
      () => {},
    );
    const jobs: JobRecord[] = Array.from({ length: 5 }, (_, i) =>
      newJobRecord({ jobId: `job-${i}`, chartNumber: `C-${i}`, jobIndex: store.takeJobIndex(), maxAttempts: 3, documents: [] }),
    );
    for (const job of jobs) store.add(job, `key-${job.jobId}`);
    await publisher.persisted();

    let published = 0;
    for (let round = 0; round < 12; round++) {
      // Several updates of several jobs in one tick share one append.
      for (const job of jobs.slice(0, 1 + (round % jobs.length))) {
        transition(job, { status: 'processing', phase: round % 2 === 0 ? 'ocr_started' : 'ocr_completed', message: `round ${round}` });
        publisher.publish(job);
        published += 1;
      }
      await waitFor(() => checks.length === published, `round ${round} published`);
    }

    expect(checks.length).toBeGreaterThan(30);
    expect(compactions).toBeGreaterThan(2);
    for (const { frame, onDisk } of checks) expect(onDisk).toBeGreaterThanOrEqual(frame);
    for (const job of jobs) expect(publisher.visible(job.jobId)?.seq).toBe(job.seq);
    publisher.close();
    store.close();
    const reopened = new JobStore(dataDir, () => {});
    expect(reopened.all().map((job) => job.seq)).toEqual(jobs.map((job) => job.seq));
  });

  it('publishes on the next turn of the event loop, even right after a slow save (no pacing, no bursts)', async () => {
    const store = new JobStore(join(root, 'live'), () => {});
    const save = store.save.bind(store);
    store.save = () => {
      save();
      // A stalled disk: the old full-file pacing would now hold frames back for 4× this long.
      const until = performance.now() + 30;
      while (performance.now() < until);
    };
    const sent: number[] = [];
    const publisher = new StatusPublisher(store, (frame) => sent.push(frame.seq), () => {});
    const job = newJobRecord({ jobId: 'job-s', chartNumber: 'C-s', jobIndex: store.takeJobIndex(), maxAttempts: 3, documents: [] });
    store.add(job, null);
    await publisher.persisted();
    for (let seq = 1; seq <= 3; seq++) {
      transition(job, { status: 'processing', phase: 'ocr_started', message: `update ${seq}` });
      publisher.publish(job);
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(sent).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
    }
    publisher.close();
    store.close();
  });

  it('a failed append is logged by code (no paths), the frames still go out, and the next save rewrites everything', async () => {
    const dataDir = join(root, 'live');
    const lines: string[] = [];
    const store = new JobStore(dataDir, () => {});
    const sent: number[] = [];
    const publisher = new StatusPublisher(store, (frame) => sent.push(frame.seq), (line) => lines.push(line));
    const job = newJobRecord({ jobId: 'job-x', chartNumber: 'C-x', jobIndex: store.takeJobIndex(), maxAttempts: 3, documents: [] });
    store.add(job, null);
    await publisher.persisted();

    // The journal's place taken by a directory: the append fails with EISDIR, as a full or broken disk would fail it.
    const journal = join(dataDir, 'jobs.journal');
    store.compact();
    mkdirSync(journal);
    transition(job, { status: 'processing', phase: 'processing', message: 'x' });
    publisher.publish(job);
    await waitFor(() => sent.length === 1, 'the first frame');
    expect(sent).toEqual([1]);
    expect(lines.join('\n')).toMatch(/^job store: save failed \(EISDIR\); publishing anyway/m);
    expect(lines.join('\n')).not.toContain(dataDir);

    rmSync(journal, { recursive: true, force: true });
    transition(job, { status: 'processing', phase: 'ocr_started', message: 'y' });
    publisher.publish(job);
    await waitFor(() => sent.length === 2, 'the second frame');
    expect(sent).toEqual([1, 2]);
    expect(lines.at(-1)).toBe('job store: saving works again');
    expect(seqAfterCrash(dataDir, job.jobId, 0)).toBe(2);
    publisher.close();
    store.close();
  });
});
