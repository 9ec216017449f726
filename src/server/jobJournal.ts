/**
 * The append-only half of the job store: `<dataDir>/jobs.journal`, one JSON
 * line per new job (the whole record), changed job (a JobChange) or new
 * idempotency key. Appending a tick's changes costs in proportion to those
 * changes, where rewriting jobs.json costs in proportion to every job the
 * server knows; the store folds the journal back into jobs.json now and then
 * (compaction).
 *
 * Job lines carry seq, so replaying a line twice, or over a jobs.json that
 * already holds it, changes nothing: the record with the higher seq wins.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { jobChangeSchema } from './jobChange';
import { jobRecordSchema } from './jobRecord';

export const journalEntrySchema = z.union([
  z.object({ change: jobChangeSchema }).strict(),
  z.object({ job: jobRecordSchema }).strict(),
  z.object({ key: z.string(), jobId: z.string() }).strict(),
]);
export type JournalEntry = z.infer<typeof journalEntrySchema>;

export interface JournalReading {
  entries: JournalEntry[];
  /** The last line was cut short (a process killed mid-append): its batch was never published, so dropping it loses nothing. */
  tornTail: boolean;
  /** 1-based numbers of unreadable lines other than a torn last one. */
  unreadableLines: number[];
  /** Lines in the file, the torn one included. */
  lineCount: number;
}

export class JobJournal {
  private fd: number | null = null;
  private bytes = 0;

  constructor(readonly file: string) {}

  /** Bytes appended since the journal was last removed (or found on disk at load). */
  get size(): number {
    return this.bytes;
  }

  /** Every readable entry in file order; never throws for bad content, only for I/O. */
  read(): JournalReading {
    const reading: JournalReading = { entries: [], tornTail: false, unreadableLines: [], lineCount: 0 };
    if (!existsSync(this.file)) return reading;
    const text = readFileSync(this.file, 'utf8');
    this.bytes = Buffer.byteLength(text);
    const lines = text.split('\n');
    // A complete append always ends in "\n", so the piece after the last one is empty unless an append was cut short.
    const unfinished = lines.pop() ?? '';
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      reading.lineCount += 1;
      const entry = parseEntry(line);
      if (entry === undefined) reading.unreadableLines.push(index + 1);
      else reading.entries.push(entry);
    });
    if (unfinished.trim() !== '') {
      reading.lineCount += 1;
      // Cut exactly before its "\n", the line is whole and as good as any other.
      const entry = parseEntry(unfinished);
      if (entry === undefined) reading.tornTail = true;
      else reading.entries.push(entry);
    }
    return reading;
  }

  /** One write for the whole batch: a tick's changes cost one system call, not one per job. */
  append(entries: JournalEntry[]): void {
    if (entries.length === 0) return;
    const buffer = Buffer.from(`${entries.map((entry) => JSON.stringify(entry)).join('\n')}\n`);
    this.fd ??= openSync(this.file, 'a');
    let written = 0;
    while (written < buffer.length) written += writeSync(this.fd, buffer, written);
    this.bytes += buffer.length;
  }

  /** Called once jobs.json holds everything the journal said: the next change starts a new file. */
  remove(): void {
    this.close();
    rmSync(this.file, { force: true });
    this.bytes = 0;
  }

  /** Keeps a journal with unreadable lines for a human to look at; the next change starts a new file. */
  moveAside(): string {
    this.close();
    const aside = `${this.file}.unreadable-${Date.now()}`;
    renameSync(this.file, aside);
    this.bytes = 0;
    return aside;
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

function parseEntry(line: string): JournalEntry | undefined {
  try {
    const result = journalEntrySchema.safeParse(JSON.parse(line));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
