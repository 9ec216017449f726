/**
 * The job store's files after crashes: a store is "killed" by simply not
 * closing it and opening a new one on the same data dir, with the files
 * shaped as a killed process would leave them (journal appended but never
 * compacted, compaction half done, last line cut short, a broken line).
 */
import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transition } from '../../src/server/jobPipeline';
import { type JobRecord, newJobRecord } from '../../src/server/jobRecord';
import { JobStore } from '../../src/server/jobStore';

let dataDir: string;
let lines: string[];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'intake-job-store-test-'));
  lines = [];
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const journalFile = () => join(dataDir, 'jobs.journal');
const snapshotFile = () => join(dataDir, 'jobs.json');
const open = (journalFloorBytes?: number) => new JobStore(dataDir, (line) => lines.push(line), { journalFloorBytes });

function addJob(store: JobStore, chartNumber: string, key: string | null = null): JobRecord {
  const job = newJobRecord({ jobId: `job-${chartNumber}`, chartNumber, jobIndex: store.takeJobIndex(), maxAttempts: 3, documents: [] });
  store.add(job, key);
  return job;
}

/** What the publisher does for one update: change the record in place, mark it, save. */
function advance(store: JobStore, job: JobRecord, phase: string): void {
  transition(job, { status: 'processing', phase, message: `now ${phase}` });
  store.changed(job.jobId);
}

const byId = (store: JobStore) => Object.fromEntries(store.all().map((job) => [job.jobId, structuredClone(job)]));

describe('job store journal', () => {
  it('a store killed after appending (never compacted) comes back with every job, key and seq', () => {
    const first = open();
    const a = addJob(first, 'A', 'key-a');
    const b = addJob(first, 'B');
    first.save();
    for (const phase of ['processing', 'ocr_started', 'ocr_completed']) {
      advance(first, a, phase);
      first.save();
    }
    advance(first, b, 'processing');
    first.save();
    expect(existsSync(snapshotFile())).toBe(false);
    const expected = byId(first);

    const second = open();
    expect(byId(second)).toEqual(expected);
    expect(second.jobForKey('key-a')?.jobId).toBe(a.jobId);
    expect(second.get(a.jobId)?.seq).toBe(3);
    expect(second.byChart('B').map((job) => job.seq)).toEqual([1]);
    expect(second.takeJobIndex()).toBe(2);
    // Replayed into a fresh jobs.json, journal gone: the next append starts clean.
    expect(readdirSync(dataDir).sort()).toEqual(['jobs.json']);
    expect(lines.join('\n')).toMatch(/loaded 2 jobs \(\d+ journal lines replayed\)/);
  });

  it('a kill between compaction writing jobs.json and removing the journal replays the old journal to the same state', () => {
    const first = open();
    const a = addJob(first, 'A', 'key-a');
    first.save();
    for (const phase of ['processing', 'ocr_started']) {
      advance(first, a, phase);
      first.save();
    }
    const staleJournal = readFileSync(journalFile());
    advance(first, a, 'ocr_completed');
    first.save();
    first.compact();
    // The removal that never happened: the old journal is back beside the newer jobs.json.
    writeFileSync(journalFile(), staleJournal);
    const expected = byId(first);

    const second = open();
    expect(byId(second)).toEqual(expected);
    expect(second.get(a.jobId)?.seq).toBe(3);
    expect(second.jobForKey('key-a')?.jobId).toBe(a.jobId);
  });

  it('ignores a last line cut short by a kill mid-append, with a log line, and keeps working', () => {
    const first = open();
    const a = addJob(first, 'A');
    first.save();
    advance(first, a, 'processing');
    first.save();
    const expected = byId(first);
    appendFileSync(journalFile(), '{"change":{"jobId":"job-A","seq":2,"sta');

    const second = open();
    expect(byId(second)).toEqual(expected);
    expect(lines.join('\n')).toMatch(/last jobs\.journal line was cut short/);
    expect(readdirSync(dataDir).some((name) => name.includes('unreadable'))).toBe(false);

    const again = second.get(a.jobId);
    if (again === undefined) throw new Error('job lost');
    advance(second, again, 'ocr_started');
    second.save();
    const third = open();
    expect(third.get(a.jobId)?.seq).toBe(2);
    expect(third.get(a.jobId)?.phase).toBe('ocr_started');
  });

  it('a broken line in the middle: replays the rest, moves the journal aside, logs, never throws', () => {
    const first = open();
    const a = addJob(first, 'A');
    const b = addJob(first, 'B');
    first.save();
    advance(first, a, 'processing');
    first.save();
    appendFileSync(journalFile(), 'this is not json\n');
    advance(first, b, 'processing');
    first.save();

    const second = open();
    expect(second.get(a.jobId)?.seq).toBe(1);
    expect(second.get(b.jobId)?.seq).toBe(1);
    const names = readdirSync(dataDir);
    expect(names.filter((name) => name.startsWith('jobs.journal.unreadable-'))).toHaveLength(1);
    expect(names).not.toContain('jobs.journal');
    expect(lines.join('\n')).toMatch(/1 of 5 jobs\.journal lines could not be used; the rest replayed, journal moved aside/);
    // What was replayed is now in jobs.json on its own.
    expect(open().get(b.jobId)?.seq).toBe(1);
  });

  it('a change line whose predecessor is missing is not applied, and the journal is kept aside', () => {
    const first = open();
    const a = addJob(first, 'A');
    first.save();
    advance(first, a, 'processing');
    first.save();
    advance(first, a, 'ocr_started');
    first.save();
    advance(first, a, 'ocr_completed');
    first.save();
    const [created, , toSeq2, toSeq3] = readFileSync(journalFile(), 'utf8').trimEnd().split('\n');
    writeFileSync(journalFile(), `${[created, toSeq2, toSeq3].join('\n')}\n`);

    const reopened = open();
    // Line 2 (seq 1 → 2) needs seq 1, which is gone: the job stays at the last state it can prove.
    expect(reopened.get(a.jobId)?.seq).toBe(0);
    expect(readdirSync(dataDir).some((name) => name.startsWith('jobs.journal.unreadable-'))).toBe(true);
    expect(lines.join('\n')).toMatch(/2 of 3 jobs\.journal lines could not be used/);
  });

  it('an unreadable jobs.json is moved aside with its journal; the store starts empty', () => {
    const first = open();
    addJob(first, 'A');
    first.save();
    writeFileSync(snapshotFile(), '{"version":1,"jobs":');

    const second = open();
    expect(second.all()).toEqual([]);
    const names = readdirSync(dataDir);
    expect(names.filter((name) => name.startsWith('jobs.json.unreadable-'))).toHaveLength(1);
    expect(names.filter((name) => name.startsWith('jobs.journal.unreadable-'))).toHaveLength(1);
    expect(lines.join('\n')).toMatch(/jobs\.json could not be read \(not JSON\); moved aside with jobs\.journal, starting empty/);
  });

  it('one update costs a short line, however many jobs the store holds', () => {
    const store = open();
    const jobs = Array.from({ length: 300 }, (_, i) => addJob(store, `C-${i}`, `key-${i}`));
    store.save();
    for (const job of jobs) advance(store, job, 'processing');
    store.save();
    store.compact();
    const target = jobs[7];
    if (target === undefined) throw new Error('no job');
    for (const phase of ['ocr_started', 'ocr_completed', 'ai_started', 'ai_completed']) advance(store, target, phase);
    store.save();
    const before = statSync(journalFile()).size;
    advance(store, target, 'saving_results');
    store.save();
    const lineBytes = statSync(journalFile()).size - before;
    expect(lineBytes).toBeGreaterThan(0);
    expect(lineBytes).toBeLessThan(800);
    expect(statSync(snapshotFile()).size).toBeGreaterThan(100 * lineBytes);
  });

  it('compaction keeps the journal bounded and loses nothing', () => {
    const floor = 16 * 1024;
    const store = open(floor);
    const jobs = Array.from({ length: 20 }, (_, i) => addJob(store, `C-${i}`));
    store.save();
    let compactions = 0;
    let largest = 0;
    for (let round = 0; round < 60; round++) {
      for (const job of jobs) advance(store, job, round % 2 === 0 ? 'ocr_started' : 'ocr_completed');
      store.save();
      largest = Math.max(largest, statSync(journalFile()).size);
      if (store.compactionDue) {
        store.compact();
        compactions += 1;
        expect(existsSync(journalFile())).toBe(false);
      }
    }
    const snapshotBytes = statSync(snapshotFile()).size;
    const batchBytes = 20 * 800;
    expect(compactions).toBeGreaterThan(2);
    expect(largest).toBeLessThan(Math.max(floor, 2 * snapshotBytes) + batchBytes);
    const expected = byId(store);
    expect(byId(open(floor))).toEqual(expected);
  });

  it('close() leaves one compact jobs.json and no journal', () => {
    const store = open();
    const a = addJob(store, 'A', 'key-a');
    store.save();
    advance(store, a, 'processing');
    store.save();
    store.close();
    expect(readdirSync(dataDir).sort()).toEqual(['jobs.json']);
    const reopened = open();
    expect(reopened.get(a.jobId)?.seq).toBe(1);
    expect(reopened.jobForKey('key-a')?.jobId).toBe(a.jobId);
  });
});
