/**
 * Moves handled hot-folder files to DIR/done/ or DIR/failed/, keeping their
 * sub-folder, never overwriting an earlier file of the same name. A failed
 * file gets `<file>.error.txt` beside it with the reason.
 */
import { access, copyFile, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DONE_FOLDER, FAILED_FOLDER } from './hotFolderLayout';

export async function moveToDone(root: string, file: string): Promise<string> {
  return moveInto(root, DONE_FOLDER, file);
}

export async function moveToFailed(root: string, file: string, reason: string): Promise<string> {
  const target = await moveInto(root, FAILED_FOLDER, file);
  await writeFile(`${target}.error.txt`, `${reason}\n`, 'utf8');
  return target;
}

async function moveInto(root: string, folder: string, file: string): Promise<string> {
  const target = await freeName(path.join(root, folder, path.relative(root, file)));
  await mkdir(path.dirname(target), { recursive: true });
  try {
    await rename(file, target);
  } catch (error) {
    // done/ may live on another device than the share's sub-folder (bind mounts).
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(file, target);
    await unlink(file);
  }
  return target;
}

/** `scan.pdf`, else `scan-2.pdf`, `scan-3.pdf`, … whichever does not exist yet. */
async function freeName(target: string): Promise<string> {
  const ext = path.extname(target);
  const stem = target.slice(0, target.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? target : `${stem}-${n}${ext}`;
    if (!(await exists(candidate)) && !(await exists(`${candidate}.error.txt`))) return candidate;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
