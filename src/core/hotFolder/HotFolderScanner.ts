/**
 * Polls a hot folder for files that are complete. Polling, not fs.watch:
 * fs.watch misses events on network shares, where scan stations write.
 * A file is ready once its size and mtime are the same on two checks in a
 * row (a scanner still writing it changes one of them). Each ready file is
 * handed out once: the caller claims it until it has been moved away.
 * Links are never followed (anyone who may write into a shared scan folder
 * could point one at another document): only regular files in real
 * sub-folders that resolve inside the folder count, and each ready file is
 * handed out with the identity (device, inode) it had, so that the file
 * uploaded is the one found here.
 */
import { lstat, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FileIdentity } from '../../shared/queueJob';
import { identityOf } from '../files/fileIdentity';
import { DONE_FOLDER, FAILED_FOLDER, samePath } from './hotFolderLayout';

export class HotFolderScanner {
  private readonly seen = new Map<string, string>();
  private readonly identities = new Map<string, FileIdentity>();
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
    this.identities.delete(file);
  }

  /** The file found under this name by the scan that handed it out. */
  identity(file: string): FileIdentity | undefined {
    return this.identities.get(file);
  }

  isClaimed(file: string): boolean {
    return this.claimed.has(file);
  }

  /** One check: the files that stopped changing since the previous check, now claimed. */
  async scan(): Promise<string[]> {
    const present = new Map<string, Found>();
    let rootReal: string | null = null;
    try {
      rootReal = await realpath(this.root);
    } catch {
      // Listing it below says why (the same error).
    }
    await this.walk(this.root, rootReal, true, present);
    const ready: string[] = [];
    for (const [file, found] of present) {
      if (!this.claimed.has(file) && this.seen.get(file) === found.signature) ready.push(file);
    }
    this.seen.clear();
    for (const [file, found] of present) this.seen.set(file, found.signature);
    for (const file of ready) {
      this.claimed.add(file);
      this.identities.set(file, (present.get(file) as Found).identity);
    }
    return ready.sort();
  }

  /** `real`: where `dir` must resolve to; a sub-folder swapped for a link since it was listed resolves elsewhere. */
  private async walk(dir: string, real: string | null, top: boolean, into: Map<string, Found>): Promise<void> {
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
    if (real === null) return;
    const found = new Map<string, Found>();
    for (const entry of entries) {
      // Hidden files are partial downloads and editor droppings (".~lock", ".part").
      if (entry.name.startsWith('.')) continue;
      if (top && (entry.name === DONE_FOLDER || entry.name === FAILED_FOLDER)) continue;
      const full = path.join(dir, entry.name);
      // The entry's own type (readdir does not follow links): a link to a folder or a file is skipped.
      if (entry.isDirectory()) await this.walk(full, path.join(real, entry.name), false, into);
      else if (entry.isFile()) {
        try {
          const info = await lstat(full);
          // The identity is part of the signature: a file swapped for another between checks starts over.
          if (info.isFile()) found.set(full, { signature: `${info.size}:${info.mtimeMs}:${info.dev}:${info.ino}`, identity: identityOf(info) });
        } catch {
          // gone between readdir and lstat
        }
      }
    }
    // Checked after the files were looked at: a folder that was a link meanwhile gives none of them.
    if (!(await resolvesTo(dir, real))) return;
    for (const [file, info] of found) into.set(file, info);
  }
}

interface Found {
  signature: string;
  identity: FileIdentity;
}

async function resolvesTo(dir: string, real: string): Promise<boolean> {
  try {
    return samePath(await realpath(dir), real);
  } catch {
    return false;
  }
}
