/**
 * Where things live in a hot folder: dropped files anywhere below DIR (the
 * first sub-folder may name the chart), handled ones in DIR/done/ and
 * DIR/failed/, which the watcher writes and therefore never scans.
 */
import path from 'node:path';

export const DONE_FOLDER = 'done';
export const FAILED_FOLDER = 'failed';

/** A file the hot folder at `root` would pick up (below it, not in done/ or failed/). */
export function isDropInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  const top = rel.split(path.sep)[0];
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && top !== DONE_FOLDER && top !== FAILED_FOLDER;
}

/** Paths as the file system compares them: Windows and macOS volumes usually ignore case. */
export function samePath(a: string, b: string): boolean {
  return process.platform === 'win32' || process.platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b;
}
