/**
 * Where a hot folder may not be: a folder Intake would walk whole, uploading
 * every document in it and moving everything else to failed/ — the home
 * folder, Desktop, Documents, Downloads, a drive root, anything holding one of
 * those — and Intake's own data folders.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DONE_FOLDER, FAILED_FOLDER } from './hotFolderLayout';

export interface ProtectedPlaces {
  home: string;
  desktop: string;
  documents: string;
  downloads: string;
  /** Intake's own data (settings, queue, demo server) and the OS's application data. */
  userData: string;
  appData: string;
}

type PathApi = Pick<typeof path, 'resolve' | 'relative' | 'isAbsolute' | 'parse' | 'join'>;

export function hotFolderLocationProblem(folder: string, places: ProtectedPlaces, paths: PathApi = path): string | null {
  const chosen = paths.resolve(folder);
  const advice = 'Intake would upload every document in it and move everything else to failed/. Make a folder just for scans and choose that.';
  if (paths.parse(chosen).root === chosen) return `A drive root cannot be the hot folder: ${advice}`;
  const named: Array<[string, string]> = [
    ['your home folder', places.home],
    ['Desktop', places.desktop],
    ['Documents', places.documents],
    ['Downloads', places.downloads],
  ];
  for (const [label, place] of named) {
    if (within(paths, chosen, place)) return `${capitalized(label)} (or a folder holding it) cannot be the hot folder: ${advice}`;
  }
  for (const place of [places.userData, places.appData]) {
    if (within(paths, place, chosen) || within(paths, chosen, place)) return "Intake's own data folder cannot be the hot folder. Make a folder just for scans and choose that.";
  }
  return null;
}

/** Documents already waiting in the folder (its top level and chart sub-folders, not done/ or failed/), up to `limit`. */
export async function filesAlreadyThere(folder: string, limit = 1000): Promise<number> {
  let count = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (count >= limit) break;
    if (entry.isFile() && !entry.name.startsWith('.')) count++;
    else if (entry.isDirectory() && entry.name !== DONE_FOLDER && entry.name !== FAILED_FOLDER) {
      const inner = await readdir(path.join(folder, entry.name), { withFileTypes: true }).catch(() => []);
      count += inner.filter((file) => file.isFile() && !file.name.startsWith('.')).length;
    }
  }
  return Math.min(count, limit);
}

/** True when `inner` is `outer` or lies inside it. */
function within(paths: PathApi, outer: string, inner: string): boolean {
  const relative = paths.relative(outer, paths.resolve(inner));
  return relative === '' || (!relative.startsWith('..') && !paths.isAbsolute(relative));
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
