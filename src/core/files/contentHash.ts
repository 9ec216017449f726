/**
 * SHA-256 of a file's content, read as a stream in chunks (never the whole
 * file in memory, and the event loop stays free between chunks). Runs in the
 * core (main process or CLI), never in the renderer.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { JobFile } from '../../shared/queueJob';

export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: 1024 * 1024 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Which checked file a hash belongs to: the very file (device, inode) at that size, so a changed file is hashed again. */
export function hashKey(file: Pick<JobFile, 'path' | 'size' | 'identity'>): string {
  return `${file.path}\u0000${file.size}\u0000${file.identity?.dev ?? ''}:${file.identity?.ino ?? ''}`;
}
