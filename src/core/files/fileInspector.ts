/**
 * Pre-flight check of the paths a user dropped: folders are expanded, every
 * file gets either accepted (with its detected type) or a specific reason.
 * Only the first bytes of a file are read; a 4 GB scan costs one small read.
 */
import { close, fstat, open, read, type Stats } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FileInspection, RejectedFile } from '../../shared/ipc';
import type { FileIdentity, JobFile } from '../../shared/queueJob';
import { detectDocumentType, SNIFF_BYTES } from '../../shared/documentType';
import { formatBytes } from '../../shared/formatBytes';
import { identityOf, READ_NO_FOLLOW, sameIdentity, type PinnedPath } from './fileIdentity';

export interface FileLimits {
  /** Largest single document accepted. */
  maxFileBytes: number;
  /** Most documents in one job. */
  maxFilesPerJob: number;
  /** Most files taken from one dropped folder (recursively). */
  maxDirectoryFiles: number;
}

export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxFileBytes: 2 * 1024 ** 3,
  maxFilesPerJob: 100,
  maxDirectoryFiles: 1000,
};

/** Files are checked a few at a time: enough to hide disk latency, few enough not to exhaust descriptors. */
const PARALLEL_CHECKS = 8;

type Check = { kind: 'accepted'; file: JobFile; realPath: string } | { kind: 'rejected'; file: RejectedFile };

/**
 * A pinned path (the hot folder's) is checked as the very file its finder saw: never followed
 * through a link, refused when another file now has its name.
 */
export async function inspectFiles(paths: readonly (string | PinnedPath)[], limits: FileLimits = DEFAULT_FILE_LIMITS): Promise<FileInspection> {
  const rejected: RejectedFile[] = [];
  const candidates = await expandPaths(paths, limits, rejected);

  const checks: Check[] = [];
  for (let i = 0; i < candidates.length; i += PARALLEL_CHECKS) {
    const batch = candidates.slice(i, i + PARALLEL_CHECKS);
    // Duplicates need two files at least: a lone file (the usual job) skips the realpath call.
    const findDuplicates = candidates.length > 1;
    checks.push(...(await Promise.all(batch.map((candidate) => checkFile(candidate, limits, findDuplicates)))));
  }

  const accepted: JobFile[] = [];
  const seen = new Map<string, string>();
  for (const check of checks) {
    if (check.kind === 'rejected') {
      rejected.push(check.file);
      continue;
    }
    const { file, realPath } = check;
    const first = seen.get(realPath);
    if (first !== undefined) {
      rejected.push({ path: file.path, name: file.name, reason: `Same file as "${first}", which is already in this job.` });
    } else if (accepted.length >= limits.maxFilesPerJob) {
      rejected.push({ path: file.path, name: file.name, reason: `A job holds at most ${limits.maxFilesPerJob} documents; this one is over the limit. Send the rest as another job.` });
    } else {
      seen.set(realPath, file.name);
      accepted.push(file);
    }
  }
  return { accepted, rejected };
}

/** Dropped paths with folders replaced by their files (recursively, in name order, capped per folder). */
async function expandPaths(paths: readonly (string | PinnedPath)[], limits: FileLimits, rejected: RejectedFile[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const given of paths) {
    if (typeof given !== 'string') {
      out.push({ path: given.path, pinned: given.identity });
      continue;
    }
    const path = given;
    let info: Stats | undefined;
    try {
      info = await stat(path);
    } catch {
      // Not a folder we can list: checkFile gives the specific reason.
    }
    if (info === undefined || !info.isDirectory()) {
      out.push({ path, info });
      continue;
    }
    const files: string[] = [];
    const complete = await collectDirectory(path, files, limits.maxDirectoryFiles, new Set());
    out.push(...files.map((file) => ({ path: file })));
    if (!complete) {
      rejected.push({
        path,
        name: basename(path),
        reason: `Folder holds more than ${limits.maxDirectoryFiles} files; only the first ${limits.maxDirectoryFiles} were taken. Add the rest separately.`,
      });
    } else if (files.length === 0) {
      rejected.push({ path, name: basename(path), reason: 'Folder contains no files.' });
    }
  }
  return out;
}

/** Returns false when the cap cut the listing short. `visited` holds real paths, so a symlink loop ends. */
async function collectDirectory(dir: string, out: string[], cap: number, visited: Set<string>): Promise<boolean> {
  let real: string;
  let names: string[];
  try {
    real = await realpath(dir);
    if (visited.has(real)) return true;
    visited.add(real);
    names = (await readdir(dir)).sort();
  } catch {
    return true; // An unlistable subfolder: nothing to add; a top-level one was already stat'ed fine.
  }
  for (const name of names) {
    const path = join(dir, name);
    let isDirectory = false;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch {
      // Broken link or unreadable entry: let checkFile report it.
    }
    if (isDirectory) {
      if (!(await collectDirectory(path, out, cap, visited))) return false;
    } else {
      if (out.length >= cap) return false;
      out.push(path);
    }
  }
  return true;
}

/** A path to check, with its stat when expandPaths already has it (one fs call less per dropped file). */
interface Candidate {
  path: string;
  info?: Stats;
  /** The file this path must still be (PinnedPath). */
  pinned?: FileIdentity;
}

const REPLACED = 'File was replaced (by a link or another file) after it was found; it was not sent.';

async function checkFile(candidate: Candidate, limits: FileLimits, findDuplicates: boolean): Promise<Check> {
  const { path, pinned } = candidate;
  const name = basename(path);
  const reject = (reason: string): Check => ({ kind: 'rejected', file: { path, name, reason } });

  let size: number;
  let info: Stats;
  try {
    info = candidate.info ?? (await (pinned === undefined ? stat(path) : lstat(path)));
    if (pinned !== undefined && (info.isSymbolicLink() || !sameIdentity(identityOf(info), pinned))) return reject(REPLACED);
    if (info.isDirectory()) return reject('Folder could not be read.');
    if (!info.isFile()) return reject('Not a regular file (a device, socket or pipe cannot be sent).');
    size = info.size;
  } catch (error) {
    return reject(fsReason(error));
  }
  if (size === 0) return reject('File is empty (0 bytes).');
  if (size > limits.maxFileBytes) {
    return reject(`File is ${formatBytes(size)}; the largest accepted is ${formatBytes(limits.maxFileBytes)}.`);
  }

  let head: Head;
  let realPath: string;
  try {
    head = await readHead(path, pinned !== undefined);
    realPath = findDuplicates ? await realpath(path) : path;
  } catch (error) {
    // ELOOP from O_NOFOLLOW: the pinned file became a link since it was found.
    if (pinned !== undefined && (error as NodeJS.ErrnoException).code === 'ELOOP') return reject(REPLACED);
    return reject(fsReason(error));
  }
  // The opened file must be the one measured above (and, when pinned, the one its finder saw).
  if (!sameIdentity(head.identity, identityOf(info))) {
    return reject(pinned === undefined ? 'File was replaced while it was being checked; add it again.' : REPLACED);
  }
  const type = detectDocumentType(head.bytes);
  if (type === null) return reject('Type not accepted: the content is not a PDF, TIFF, PNG or JPEG (checked by the first bytes, not the name).');
  return { kind: 'accepted', file: { path, name, size, type, identity: head.identity }, realPath };
}

interface Head {
  bytes: Uint8Array;
  /** Of the opened descriptor: the file actually read, whatever the path names by now. */
  identity: FileIdentity;
}

/** Callback fs on purpose: a FileHandle costs several promises and a GC-tracked object, and a burst of enqueues opens thousands. */
function readHead(path: string, noFollow: boolean): Promise<Head> {
  return new Promise((resolve, reject) => {
    open(path, noFollow ? READ_NO_FOLLOW : 'r', (openError, fd) => {
      if (openError) return reject(openError);
      const finish = (error: Error | null, head?: Head): void =>
        close(fd, (closeError) => {
          const failure = error ?? closeError;
          if (failure || head === undefined) reject(failure ?? new Error('no head read'));
          else resolve(head);
        });
      fstat(fd, (statError, info) => {
        if (statError) return finish(statError);
        const buffer = Buffer.alloc(SNIFF_BYTES);
        read(fd, buffer, 0, SNIFF_BYTES, 0, (readError, bytesRead) =>
          finish(readError, { bytes: buffer.subarray(0, bytesRead), identity: identityOf(info) }),
        );
      });
    });
  });
}

function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'File not found (it was moved or deleted).';
    case 'EACCES':
    case 'EPERM':
      return 'File cannot be read: permission denied.';
    case 'ELOOP':
      return 'File is a link that points to itself.';
    case 'ENOTDIR':
      return 'File not found (a part of its path is not a folder).';
    case 'EBUSY':
      return 'File is locked by another program.';
    default:
      return `File cannot be read (${code ?? 'unknown error'}).`;
  }
}
