/**
 * Moves handled hot-folder files to DIR/done/ or DIR/failed/, keeping their
 * sub-folder, never overwriting an earlier file of the same name. A failed
 * file gets `<file>.error.txt` beside it with the reason.
 *
 * Anyone who may write into a shared scan folder can plant links in it. A
 * `failed/` or `done/<chart>` that is a symlink or junction would make mkdir
 * and rename follow it and put the file anywhere the user may write (an
 * autostart folder); a dangling `<name>.error.txt` link would make a plain
 * write create a file there. So every folder on the way must be a real folder
 * that resolves inside DIR (checked again after the move), and new files are
 * created exclusively, never through an existing name or link.
 */
import { lstat, mkdir, open, realpath, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CREATE_EXCLUSIVE, READ_NO_FOLLOW } from '../files/fileIdentity';
import { DONE_FOLDER, FAILED_FOLDER, samePath } from './hotFolderLayout';

/** The `code` of an UnsafeHotFolderPathError. */
export const UNSAFE_PATH = 'EUNSAFEPATH';

/** A move refused because a folder or file on the way is a link or leads outside the hot folder. Names no path. */
export class UnsafeHotFolderPathError extends Error {
  readonly code = UNSAFE_PATH;
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeHotFolderPathError';
  }
}

export async function moveToDone(root: string, file: string): Promise<string> {
  return moveInto(root, DONE_FOLDER, file);
}

export async function moveToFailed(root: string, file: string, reason: string): Promise<string> {
  const target = await moveInto(root, FAILED_FOLDER, file);
  const note = await open(`${target}.error.txt`, CREATE_EXCLUSIVE, 0o644);
  try {
    await note.writeFile(`${reason}\n`, 'utf8');
  } finally {
    await note.close();
  }
  return target;
}

async function moveInto(root: string, folder: string, file: string): Promise<string> {
  const rootReal = await realpath(root);
  const parts = path.relative(root, path.dirname(file)).split(path.sep).filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw new UnsafeHotFolderPathError('The file is not inside the hot folder; it was not moved.');
  // The file's own folder may have been swapped for a link since it was found: it would move a file from elsewhere.
  if (!(await resolvesTo(path.dirname(file), path.join(rootReal, ...parts)))) {
    throw new UnsafeHotFolderPathError('The folder of a hot-folder file is now a link (symlink or junction) that leads elsewhere; the file was not moved.');
  }
  const targetDir = await realFolder(root, rootReal, [folder, ...parts]);
  const target = await freeName(path.join(targetDir, path.basename(file)));
  try {
    await rename(file, target);
  } catch (error) {
    // done/ may live on another device than the share's sub-folder (bind mounts).
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyExclusive(file, target);
    await unlink(file);
  }
  // A folder swapped for a link between the check and the rename: take the file back out at once.
  if (!(await resolvesTo(targetDir, path.join(rootReal, folder, ...parts)))) {
    await rename(target, file).catch(() => undefined);
    throw unsafeFolder(folder);
  }
  return target;
}

/** DIR/<folder>/<parts…>, made where missing; every step must be a real folder, and the whole resolve inside DIR. */
async function realFolder(root: string, rootReal: string, parts: string[]): Promise<string> {
  let dir = root;
  for (const part of parts) {
    dir = path.join(dir, part);
    try {
      await mkdir(dir); // never recursive: that would follow a link planted on the way
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const info = await lstat(dir);
    if (info.isSymbolicLink()) throw unsafeFolder(parts[0] ?? '');
    if (!info.isDirectory()) throw Object.assign(new Error(`A file is in the way of the hot folder's ${parts[0] ?? ''}/ folder.`), { code: 'ENOTDIR' });
  }
  if (!(await resolvesTo(dir, path.join(rootReal, ...parts)))) throw unsafeFolder(parts[0] ?? '');
  return dir;
}

function unsafeFolder(folder: string): UnsafeHotFolderPathError {
  return new UnsafeHotFolderPathError(
    `A folder on the way into the hot folder's ${folder}/ folder is a link (symlink or junction) or leads outside the hot folder; Intake never moves files through links, so the file stays where it is. Remove the link.`,
  );
}

async function resolvesTo(dir: string, real: string): Promise<boolean> {
  try {
    return samePath(await realpath(dir), real);
  } catch {
    return false;
  }
}

/** Across devices: the bytes of the file itself (never of a link's target) into a file that did not exist. */
async function copyExclusive(file: string, target: string): Promise<void> {
  const from = await open(file, READ_NO_FOLLOW);
  try {
    const to = await open(target, CREATE_EXCLUSIVE, 0o644);
    try {
      await pipeline(from.createReadStream({ autoClose: false }), to.createWriteStream({ autoClose: false }));
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}

/** `scan.pdf`, else `scan-2.pdf`, `scan-3.pdf`, … whichever name is free (a dangling link is not free). */
async function freeName(target: string): Promise<string> {
  const ext = path.extname(target);
  const stem = target.slice(0, target.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? target : `${stem}-${n}${ext}`;
    if (!(await taken(candidate)) && !(await taken(`${candidate}.error.txt`))) return candidate;
  }
}

async function taken(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}
