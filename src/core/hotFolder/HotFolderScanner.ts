/**
 * Polls a hot folder for files that are complete. Polling, not fs.watch:
 * fs.watch misses events on network shares, where scan stations write.
 * A file is ready once its size and mtime are the same on two checks in a
 * row (a scanner still writing it changes one of them). Each ready file is
 * handed out once: the caller claims it until it has been moved away.
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { DONE_FOLDER, FAILED_FOLDER } from './hotFolderLayout';

export class HotFolderScanner {
  private readonly seen = new Map<string, string>();
  private readonly claimed = new Set<string>();
  private rootError: NodeJS.ErrnoException | null = null;

  constructor(private readonly root: string) {}

  /** Why the last scan could not list the folder itself (missing, unreadable, not a folder); null when it could. */
  get unavailable(): NodeJS.ErrnoException | null {
    return this.rootError;
  }

  /** Marks a file as being handled (so it is never handed out again), e.g. jobs restored from a previous run. */
  claim(file: string): void {
    this.claimed.add(file);
  }

  /** Forgets a file once it has been moved away (or could not be, so a later scan may retry it). */
  release(file: string): void {
    this.claimed.delete(file);
    this.seen.delete(file);
  }

  isClaimed(file: string): boolean {
    return this.claimed.has(file);
  }

  /** One check: the files that stopped changing since the previous check, now claimed. */
  async scan(): Promise<string[]> {
    const present = new Map<string, string>();
    await this.walk(this.root, true, present);
    const ready: string[] = [];
    for (const [file, signature] of present) {
      if (!this.claimed.has(file) && this.seen.get(file) === signature) ready.push(file);
    }
    this.seen.clear();
    for (const [file, signature] of present) this.seen.set(file, signature);
    for (const file of ready) this.claimed.add(file);
    return ready.sort();
  }

  private async walk(dir: string, top: boolean, into: Map<string, string>): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
      if (top) this.rootError = null;
    } catch (error) {
      // A sub-folder removed while we looked: the next check tries again. The folder itself
      // missing (an unmounted share) is remembered, so the owner can say so once.
      if (top) this.rootError = error as NodeJS.ErrnoException;
      return;
    }
    for (const entry of entries) {
      // Hidden files are partial downloads and editor droppings (".~lock", ".part").
      if (entry.name.startsWith('.')) continue;
      if (top && (entry.name === DONE_FOLDER || entry.name === FAILED_FOLDER)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await this.walk(full, false, into);
      else if (entry.isFile()) {
        try {
          const info = await lstat(full);
          into.set(full, `${info.size}:${info.mtimeMs}`);
        } catch {
          // gone between readdir and lstat
        }
      }
    }
  }
}
