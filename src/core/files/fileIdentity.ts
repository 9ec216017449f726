/**
 * Which file a path named when it was checked, and the open flags that keep
 * a link planted later from being followed. A path is only a name: between
 * the check and the use, someone who may write into the folder can swap the
 * file for a link to another document. The device and inode of the opened
 * descriptor say whether it is still the file that was checked.
 */
import { constants } from 'node:fs';
import type { FileIdentity } from '../../shared/queueJob';

/** O_NOFOLLOW where the OS has it (not on Windows; there the identity check alone decides). */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** Read, refusing a link as the last part of the path (ELOOP). */
export const READ_NO_FOLLOW = constants.O_RDONLY | NO_FOLLOW;

/** Create a new file: never through an existing name, nor through a link (even a dangling one). */
export const CREATE_EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;

export function identityOf(info: { dev: number; ino: number }): FileIdentity {
  return { dev: info.dev, ino: info.ino };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** A path the caller found as a regular file, pinned to the file it found there. */
export interface PinnedPath {
  path: string;
  identity: FileIdentity;
}
