/**
 * Jobs and idempotency keys, in memory and on disk as jobs.json (every job at
 * one moment, see JobSnapshot) plus jobs.journal (the changes since, see
 * JobJournal).
 *
 * save() appends only what changed, so persisting a tick costs in proportion
 * to the tick, not to every job the server knows. Once the journal outgrows
 * the snapshot, compact() writes a fresh jobs.json and only then drops the
 * journal: a process killed between the two leaves the new snapshot plus the
 * old journal, whose lines are older or equal by seq and replay to nothing.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyJobChange, jobChangeSince } from './jobChange';
import { JobJournal, type JournalEntry } from './jobJournal';
import { type JobRecord, type StoreFile } from './jobRecord';
import { JobSnapshot } from './jobSnapshot';

export interface JobStoreOptions {
  /** The journal may grow to max(this, 2 × jobs.json) before compaction. Default 1 MiB. */
  journalFloorBytes?: number;
}

const DEFAULT_JOURNAL_FLOOR_BYTES = 1024 * 1024;

export class JobStore {
  private readonly jobsById = new Map<string, JobRecord>();
  private readonly jobsByChart = new Map<string, JobRecord[]>();
  private readonly idempotencyKeys = new Map<string, string>();
  private nextJobIndex = 0;
  private readonly snapshot: JobSnapshot;
  private readonly journal: JobJournal;
  private readonly journalFloorBytes: number;
  private snapshotBytes = 0;
  /** Jobs changed since the last save(), once each however often they changed. */
  private readonly changedJobs = new Set<string>();
  /** The seq of each job as last written: a change line carries only what moved on since. */
  private readonly persistedSeq = new Map<string, number>();
  private newKeys: Array<[key: string, jobId: string]> = [];
  /** After a failed append the journal may end in half a line; the next save rewrites jobs.json instead. */
  private journalSuspect = false;

  constructor(
    private readonly dataDir: string,
    private readonly log: (line: string) => void,
    options: JobStoreOptions = {},
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.snapshot = new JobSnapshot(join(dataDir, 'jobs.json'));
    this.journal = new JobJournal(join(dataDir, 'jobs.journal'));
    this.journalFloorBytes = options.journalFloorBytes ?? DEFAULT_JOURNAL_FLOOR_BYTES;
    this.removeLeftovers();
    this.load();
  }

  get uploadsDir(): string {
    return join(this.dataDir, 'uploads');
  }

  takeJobIndex(): number {
    return this.nextJobIndex++;
  }

  get(jobId: string): JobRecord | undefined {
    return this.jobsById.get(jobId);
  }

  all(): JobRecord[] {
    return [...this.jobsById.values()];
  }

  byChart(chartNumber: string): JobRecord[] {
    return this.jobsByChart.get(chartNumber) ?? [];
  }

  jobForKey(key: string): JobRecord | undefined {
    const jobId = this.idempotencyKeys.get(key);
    return jobId === undefined ? undefined : this.jobsById.get(jobId);
  }

  add(job: JobRecord, idempotencyKey: string | null): void {
    this.index(job);
    this.changedJobs.add(job.jobId);
    if (idempotencyKey !== null) {
      this.idempotencyKeys.set(idempotencyKey, job.jobId);
      this.newKeys.push([idempotencyKey, job.jobId]);
    }
  }

  /** Drops jobs for good (retention): their records, their keys and their uploaded documents. */
  forget(jobIds: readonly string[]): void {
    const gone = new Set(jobIds.filter((jobId) => this.jobsById.has(jobId)));
    if (gone.size === 0) return;
    for (const jobId of gone) {
      const job = this.jobsById.get(jobId) as JobRecord;
      this.jobsById.delete(jobId);
      this.persistedSeq.delete(jobId);
      const rest = this.byChart(job.chartNumber).filter((other) => other.jobId !== jobId);
      if (rest.length === 0) this.jobsByChart.delete(job.chartNumber);
      else this.jobsByChart.set(job.chartNumber, rest);
    }
    for (const [key, jobId] of this.idempotencyKeys) if (gone.has(jobId)) this.idempotencyKeys.delete(key);
    // The journal still holds them: only a fresh jobs.json without them makes the removal last.
    this.compact();
    for (const jobId of gone) rmSync(join(this.uploadsDir, jobId), { recursive: true, force: true });
  }

  /** Marks a job (changed in place) for the next save(). */
  changed(jobId: string): void {
    if (this.jobsById.has(jobId)) this.changedJobs.add(jobId);
  }

  /**
   * Makes every change so far durable: one journal append. Callers publish a
   * change only after this returned, so a crash never un-says what a client saw.
   */
  save(): void {
    if (this.journalSuspect) {
      this.compact();
      return;
    }
    if (this.changedJobs.size === 0 && this.newKeys.length === 0) return;
    const entries: JournalEntry[] = [];
    // Jobs before keys: a replay that stops early must never hold a key for a job it does not know.
    for (const jobId of this.changedJobs) {
      const job = this.jobsById.get(jobId);
      if (job === undefined) continue;
      const since = this.persistedSeq.get(jobId);
      const change = since === undefined ? undefined : jobChangeSince(job, since);
      entries.push(change === undefined ? { job } : { change });
      this.persistedSeq.set(jobId, job.seq);
    }
    for (const [key, jobId] of this.newKeys) entries.push({ key, jobId });
    this.changedJobs.clear();
    this.newKeys = [];
    try {
      this.journal.append(entries);
    } catch (error) {
      // The lost changes are still in memory; the full rewrite of the next save carries them.
      this.journalSuspect = true;
      throw error;
    }
  }

  /** True once the journal costs more to replay than a fresh jobs.json costs to write. */
  get compactionDue(): boolean {
    return this.journalSuspect || this.journal.size > Math.max(this.journalFloorBytes, 2 * this.snapshotBytes);
  }

  /** Writes everything to jobs.json, then starts an empty journal (in that order: see the top of the file). */
  compact(): void {
    this.snapshotBytes = this.snapshot.write(this.content());
    this.markAllPersisted();
    this.journal.remove();
    this.journalSuspect = false;
  }

  /** A clean stop leaves one compact jobs.json and no journal. */
  close(): void {
    try {
      this.compact();
    } finally {
      this.journal.close();
    }
  }

  private markAllPersisted(): void {
    this.changedJobs.clear();
    this.newKeys = [];
    for (const job of this.jobsById.values()) this.persistedSeq.set(job.jobId, job.seq);
  }

  private content(): StoreFile {
    return {
      version: 1,
      nextJobIndex: this.nextJobIndex,
      jobs: this.all(),
      idempotencyKeys: Object.fromEntries(this.idempotencyKeys),
    };
  }

  private index(job: JobRecord): void {
    this.jobsById.set(job.jobId, job);
    const list = this.jobsByChart.get(job.chartNumber) ?? [];
    list.push(job);
    this.jobsByChart.set(job.chartNumber, list);
    this.nextJobIndex = Math.max(this.nextJobIndex, job.jobIndex + 1);
  }

  /** Half-received uploads and half-written temp files of a process that was killed: never accepted, so nothing is lost. */
  private removeLeftovers(): void {
    this.snapshot.removeTempFiles();
    if (!existsSync(this.uploadsDir)) return;
    for (const name of readdirSync(this.uploadsDir)) {
      if (name.startsWith('staging-')) rmSync(join(this.uploadsDir, name), { recursive: true, force: true });
    }
  }

  private load(): void {
    const reading = this.snapshot.read();
    if (reading.kind === 'unreadable') {
      this.snapshot.moveAside();
      // Changes to a snapshot nobody can read are half a picture: keep them beside it, for the same human.
      const journalKept = existsSync(this.journal.file);
      if (journalKept) this.journal.moveAside();
      this.log(`job store: jobs.json could not be read (${reading.reason}); moved aside${journalKept ? ' with jobs.journal' : ''}, starting empty`);
      return;
    }
    if (reading.kind === 'read') {
      this.snapshotBytes = reading.bytes;
      this.nextJobIndex = reading.content.nextJobIndex;
      for (const job of reading.content.jobs) this.index(job);
      for (const [key, jobId] of Object.entries(reading.content.idempotencyKeys)) this.idempotencyKeys.set(key, jobId);
    }
    const replayed = this.replayJournal();
    this.log(`job store: loaded ${this.jobsById.size} jobs${replayed > 0 ? ` (${replayed} journal lines replayed)` : ''}`);
  }

  /** Returns the lines applied. Leaves no journal behind: appending after a torn line would bury it mid-file. */
  private replayJournal(): number {
    const reading = this.journal.read();
    if (reading.lineCount === 0 && !existsSync(this.journal.file)) return 0;
    let unusable = reading.unreadableLines.length;
    for (const entry of reading.entries) {
      if ('key' in entry) {
        this.idempotencyKeys.set(entry.key, entry.jobId);
      } else if ('change' in entry) {
        const known = this.jobsById.get(entry.change.jobId);
        if (known === undefined || !applyJobChange(known, entry.change)) unusable += 1;
      } else {
        const known = this.jobsById.get(entry.job.jobId);
        if (known === undefined) this.index(entry.job);
        // Equal seq is the same state (every change bumps seq); a lower one is a line older than the snapshot.
        else if (entry.job.seq >= known.seq) Object.assign(known, entry.job);
      }
    }
    if (reading.tornTail) this.log('job store: the last jobs.journal line was cut short (a killed process); ignored');
    // jobs.json first: a crash before the journal is gone just replays it again, to the same result.
    this.snapshotBytes = this.snapshot.write(this.content());
    this.markAllPersisted();
    if (unusable === 0) {
      this.journal.remove();
    } else {
      this.journal.moveAside();
      this.log(`job store: ${unusable} of ${reading.lineCount} jobs.journal lines could not be used; the rest replayed, journal moved aside`);
    }
    return reading.entries.length - (unusable - reading.unreadableLines.length);
  }
}

