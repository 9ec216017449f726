/**
 * Pre-flight check of the paths a user dropped: folders are expanded, every
 * file gets either accepted (with its detected type) or a specific reason.
 * Only the first bytes of a file are read; a 4 GB scan costs one small read.
 */
import { constants, type Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FileInspection, RejectedFile } from '../../shared/ipc';
import type { FileIdentity, JobFile } from '../../shared/queueJob';
import { detectDocumentType, SNIFF_BYTES } from '../../shared/documentType';
import { formatBytes } from '../../shared/formatBytes';
import { identityOf, READ_NO_FOLLOW, sameIdentity, type PinnedPath } from './fileIdentity';
import { FileProbe, isLookFailure, type LookResult } from './fileProbe';

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
export async function inspectFiles(
  paths: readonly (string | PinnedPath)[],
  limits: FileLimits = DEFAULT_FILE_LIMITS,
  probe: FileProbe = defaultProbe(),
): Promise<FileInspection> {
  const rejected: RejectedFile[] = [];
  const given: Candidate[] = paths.map((path) => (typeof path === 'string' ? { path, expand: true } : { path: path.path, pinned: path.identity }));
  // Duplicates need two files at least: a lone file (the usual job) skips the realpath call.
  const several = paths.length > 1;
  const first = await checkAll(given, limits, several, probe);

  // Folders are replaced by their files, in place (recursively, in name order, capped per folder).
  const checks: Check[] = [];
  for (const [index, result] of first.entries()) {
    if (result.kind !== 'folder') {
      checks.push(result);
      continue;
    }
    const path = given[index]!.path;
    const files: string[] = [];
    const unlisted: RejectedFile[] = [];
    const complete = await collectDirectory(path, files, limits.maxDirectoryFiles, new Set(), unlisted);
    if (!complete) {
      rejected.push({
        path,
        name: basename(path),
        reason: `Folder holds more than ${limits.maxDirectoryFiles} files; only the first ${limits.maxDirectoryFiles} were taken. Add the rest separately.`,
      });
    } else if (files.length === 0 && unlisted.length === 0) {
      rejected.push({ path, name: basename(path), reason: 'Folder contains no files.' });
    }
    rejected.push(...unlisted);
    checks.push(...((await checkAll(files.map((file) => ({ path: file })), limits, several || files.length > 1, probe)) as Check[]));
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

/** Files are looked at PARALLEL_CHECKS at a time (one batch for the probe), results in the order given. */
async function checkAll(candidates: readonly Candidate[], limits: FileLimits, findDuplicates: boolean, probe: FileProbe): Promise<(Check | Folder)[]> {
  const results: (Check | Folder)[] = [];
  for (let i = 0; i < candidates.length; i += PARALLEL_CHECKS) {
    const batch = candidates.slice(i, i + PARALLEL_CHECKS);
    const looks = await probe.look(batch.map(({ path, pinned }) => ({ path, flags: pinned === undefined ? OPEN_FLAGS : OPEN_PINNED_FLAGS })));
    results.push(...(await Promise.all(batch.map((candidate, index) => judge(candidate, looks[index]!, limits, findDuplicates)))));
  }
  return results;
}

/**
 * Returns false when the cap cut the listing short. `visited` holds real paths, so a symlink loop ends. A folder
 * that cannot be listed goes to `unlisted`: its files would otherwise be left out without a word.
 */
async function collectDirectory(dir: string, out: string[], cap: number, visited: Set<string>, unlisted: RejectedFile[]): Promise<boolean> {
  let real: string;
  let entries: Dirent[];
  try {
    real = await realpath(dir);
    if (visited.has(real)) return true;
    visited.add(real);
    entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    unlisted.push({ path: dir, name: basename(dir), reason: `Folder could not be read (${code}); the files in it were not taken.` });
    return true;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // The listing says what each entry is; only a link needs a look at what it points to.
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await isFolder(path)))) {
      if (!(await collectDirectory(path, out, cap, visited, unlisted))) return false;
    } else {
      if (out.length >= cap) return false;
      out.push(path);
    }
  }
  return true;
}

function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false, // Broken link or unreadable entry: checkFile gives the specific reason.
  );
}

interface Candidate {
  path: string;
  /** A folder given by the user: replaced by its files (not one found inside a dropped folder, nor a pinned path). */
  expand?: boolean;
  /** The file this path must still be (PinnedPath). */
  pinned?: FileIdentity;
}

interface Folder {
  kind: 'folder';
}
const FOLDER: Folder = { kind: 'folder' };

const REPLACED = 'File was replaced (by a link or another file) after it was found; it was not sent.';

/**
 * Open first, then ask the descriptor: what is measured and sniffed is the file that was opened, whatever the
 * path names by now (four calls a file: open, fstat, read, close). O_NONBLOCK: opening a FIFO would otherwise
 * wait for a writer; its fstat then refuses it unread.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const OPEN_PINNED_FLAGS = READ_NO_FOLLOW | (constants.O_NONBLOCK ?? 0);

let sharedProbe: FileProbe | undefined;
/** One probe (one worker thread) for the process, started on first use. */
function defaultProbe(): FileProbe {
  return (sharedProbe ??= new FileProbe({ sniffBytes: SNIFF_BYTES }));
}

async function judge(candidate: Candidate, look: LookResult, limits: FileLimits, findDuplicates: boolean): Promise<Check | Folder> {
  const { path, pinned } = candidate;
  const name = basename(path);
  const reject = (reason: string): Check => ({ kind: 'rejected', file: { path, name, reason } });

  if (isLookFailure(look)) {
    // ELOOP from O_NOFOLLOW: the pinned file became a link since it was found.
    if (pinned !== undefined) return reject(look.code === 'ELOOP' ? REPLACED : fsReason(look.code));
    // Some systems refuse to open a folder (Windows: EISDIR); one given by the user is still listed.
    if (candidate.expand === true && (await isFolder(path))) return FOLDER;
    return reject(fsReason(look.code));
  }
  const identity = identityOf(look);
  if (pinned !== undefined && !sameIdentity(identity, pinned)) return reject(REPLACED);
  if (look.kind === 'directory') return candidate.expand === true ? FOLDER : reject('Folder could not be read.');
  if (look.kind !== 'file') return reject('Not a regular file (a device, socket or pipe cannot be sent).');
  if (look.size === 0) return reject('File is empty (0 bytes).');
  if (look.size > limits.maxFileBytes) return reject(`File is ${formatBytes(look.size)}; the largest accepted is ${formatBytes(limits.maxFileBytes)}.`);

  let realPath = path;
  if (findDuplicates) {
    try {
      realPath = await realpath(path);
    } catch (error) {
      return reject(fsReason((error as NodeJS.ErrnoException).code));
    }
  }
  const type = detectDocumentType(look.head ?? new Uint8Array());
  if (type === null) return reject('Type not accepted: the content is not a PDF, TIFF, PNG or JPEG (checked by the first bytes, not the name).');
  return { kind: 'accepted', file: { path, name, size: look.size, type, identity }, realPath };
}

function fsReason(code: string | undefined): string {
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
