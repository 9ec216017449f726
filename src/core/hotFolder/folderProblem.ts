/**
 * What is wrong with a hot folder as a whole, in words for the user. The
 * message names no path: the user knows which folder they chose, and the
 * same text goes to the operator's log.
 */
/** Why the folder could not be listed, from the error listing it gave. */
export function describeFolderError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'The hot folder does not exist (was it moved, or is the network drive disconnected?).';
    case 'ENOTDIR':
      return 'The hot folder path is a file, not a folder.';
    case 'EACCES':
    case 'EPERM':
      return 'The hot folder cannot be read: permission denied.';
    default:
      return `The hot folder cannot be read (${error.code ?? error.name}).`;
  }
}
