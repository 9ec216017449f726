/**
 * Jobs and idempotency keys, in memory and in `<dataDir>/jobs.json`.
 * Writes are atomic (temp file + rename) so a process killed mid-write leaves
 * the previous version, never half a file.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JobRecord, type StoreFile, storeFileSchema } from './jobRecord';

export class JobStore {
  private readonly jobsById = new Map<string, JobRecord>();
  private readonly jobsByChart = new Map<string, JobRecord[]>();
  private readonly idempotencyKeys = new Map<string, string>();
  private nextJobIndex = 0;
  private readonly file: string;

  constructor(
    private readonly dataDir: string,
    private readonly log: (line: string) => void,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, 'jobs.json');
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
    this.jobsById.set(job.jobId, job);
    const list = this.jobsByChart.get(job.chartNumber) ?? [];
    list.push(job);
    this.jobsByChart.set(job.chartNumber, list);
    if (idempotencyKey !== null) this.idempotencyKeys.set(idempotencyKey, job.jobId);
  }

  /** Writes everything now. Callers publish a change only after this returned, so a crash never un-says what a client saw. */
  save(): void {
    const content: StoreFile = {
      version: 1,
      nextJobIndex: this.nextJobIndex,
      jobs: this.all(),
      idempotencyKeys: Object.fromEntries(this.idempotencyKeys),
    };
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(content));
    renameSync(temp, this.file);
  }

  /** Half-received uploads and half-written temp files of a process that was killed: never accepted, so nothing is lost. */
  private removeLeftovers(): void {
    for (const name of readdirSync(this.dataDir)) {
      if (/^jobs\.json\.\d+\.tmp$/.test(name)) rmSync(join(this.dataDir, name), { force: true });
    }
    if (!existsSync(this.uploadsDir)) return;
    for (const name of readdirSync(this.uploadsDir)) {
      if (name.startsWith('staging-')) rmSync(join(this.uploadsDir, name), { recursive: true, force: true });
    }
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    let parsed: StoreFile;
    try {
      parsed = storeFileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch (error) {
      // Keep the unreadable file for a human to look at instead of overwriting it.
      const aside = `${this.file}.unreadable-${Date.now()}`;
      renameSync(this.file, aside);
      this.log(`job store: jobs.json could not be read (${describe(error)}); moved aside, starting empty`);
      return;
    }
    this.nextJobIndex = parsed.nextJobIndex;
    for (const job of parsed.jobs) this.add(job, null);
    for (const [key, jobId] of Object.entries(parsed.idempotencyKeys)) this.idempotencyKeys.set(key, jobId);
    this.log(`job store: loaded ${parsed.jobs.length} jobs`);
  }
}

function describe(error: unknown): string {
  if (error instanceof SyntaxError) return 'not JSON';
  return 'unexpected shape';
}
