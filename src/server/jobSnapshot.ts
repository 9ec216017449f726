/**
 * `<dataDir>/jobs.json`: every job and idempotency key at one moment. Written
 * whole and atomically (temp file + rename), so a process killed mid-write
 * leaves the previous version, never half a file.
 */
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type StoreFile, storeFileSchema } from './jobRecord';

export type SnapshotReading =
  | { kind: 'missing' }
  | { kind: 'read'; content: StoreFile; bytes: number }
  | { kind: 'unreadable'; reason: 'not JSON' | 'unexpected shape' };

export class JobSnapshot {
  constructor(readonly file: string) {}

  read(): SnapshotReading {
    if (!existsSync(this.file)) return { kind: 'missing' };
    const text = readFileSync(this.file, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'unreadable', reason: 'not JSON' };
    }
    const parsed = storeFileSchema.safeParse(json);
    if (!parsed.success) return { kind: 'unreadable', reason: 'unexpected shape' };
    return { kind: 'read', content: parsed.data, bytes: Buffer.byteLength(text) };
  }

  /** Returns the bytes written. */
  write(content: StoreFile): number {
    const text = JSON.stringify(content);
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, this.file);
    return Buffer.byteLength(text);
  }

  /** Keeps an unreadable file for a human to look at instead of overwriting it. */
  moveAside(): void {
    renameSync(this.file, `${this.file}.unreadable-${Date.now()}`);
  }

  /** Temp files of a process killed mid-write: never renamed into place, so nothing is lost. */
  removeTempFiles(): void {
    const name = basename(this.file);
    const dir = dirname(this.file);
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith(name) && /^\.\d+\.tmp$/.test(entry.slice(name.length))) rmSync(join(dir, entry), { force: true });
    }
  }
}
