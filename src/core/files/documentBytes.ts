/**
 * A whole document read for the preview (the page cannot read files). The
 * bytes cross the bridge in one piece, so a size cap keeps a 2 GB scan from
 * filling two processes' memory; such a document is still sent, only not
 * previewed. A link is not followed, and a job's file must still be the very
 * file that was checked when it was sent.
 */
import { open } from 'node:fs/promises';
import type { DocumentBytes } from '../../shared/ipc';
import { ACCEPTED_TYPES_TEXT, detectDocumentType } from '../../shared/documentType';
import { formatBytes } from '../../shared/formatBytes';
import type { FileIdentity } from '../../shared/queueJob';
import { READ_NO_FOLLOW, identityOf, sameIdentity } from './fileIdentity';

export class DocumentReadError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_request',
    message: string,
  ) {
    super(message);
    this.name = 'DocumentReadError';
  }
}

export interface DocumentReadOptions {
  maxBytes: number;
  /** The file the job was checked as: another file under the same name is refused. */
  identity?: FileIdentity;
}

export async function readDocumentBytes(path: string, { maxBytes, identity }: DocumentReadOptions): Promise<DocumentBytes> {
  let handle;
  try {
    handle = await open(path, READ_NO_FOLLOW);
  } catch (error) {
    throw openProblem(error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new DocumentReadError('invalid_request', 'This is not a file: there is nothing to preview.');
    if (identity && !sameIdentity(identity, identityOf(info))) {
      throw new DocumentReadError('not_found', 'Another file now has this name: the document that was sent is no longer there.');
    }
    if (info.size > maxBytes) {
      throw new DocumentReadError('invalid_request', `This document is ${formatBytes(info.size)}; documents over ${formatBytes(maxBytes)} are not previewed (it can still be sent).`);
    }
    const buffer = await handle.readFile();
    // The size read decides, not the size stat saw: the file may have grown meanwhile.
    if (buffer.byteLength > maxBytes) {
      throw new DocumentReadError('invalid_request', `This document grew past ${formatBytes(maxBytes)} while it was read; it is not previewed.`);
    }
    // Structured clone sends a view's whole ArrayBuffer: a Buffer sharing a pool with other data
    // would carry that data to the page. Only a buffer that is exactly the file goes as it is.
    const exact = buffer.byteOffset === 0 && buffer.buffer.byteLength === buffer.byteLength;
    const bytes = exact ? new Uint8Array(buffer.buffer, 0, buffer.byteLength) : new Uint8Array(buffer);
    const type = detectDocumentType(bytes);
    if (type === null) throw new DocumentReadError('invalid_request', `This file is no longer a ${ACCEPTED_TYPES_TEXT} document: it is not previewed.`);
    return { type, bytes };
  } finally {
    await handle.close();
  }
}

function openProblem(error: unknown): DocumentReadError {
  switch ((error as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new DocumentReadError('not_found', 'The file is no longer where it was (moved, renamed or deleted).');
    case 'EACCES':
    case 'EPERM':
      return new DocumentReadError('invalid_request', 'Intake is not allowed to read this file.');
    case 'ELOOP':
      return new DocumentReadError('invalid_request', 'This name is now a link to another file: links are not followed.');
    case 'EISDIR':
      return new DocumentReadError('invalid_request', 'This is a folder, not a document.');
    default:
      return new DocumentReadError('invalid_request', 'The file could not be read.');
  }
}
