/**
 * "Already sent?": which of the files just checked have the same content as a
 * file of a job in the queue or its history (the newest such job is named), or
 * as another file of the same drop. A warning for the user, never a refusal.
 */
import type { SeenBefore } from '../../shared/ipc';
import type { JobFile, QueueJob } from '../../shared/queueJob';
import { hashKey, sha256OfFile } from '../files/contentHash';

/** Most remembered hashes of checked files; a drop bigger than this is hashed again at its next check. */
const MAX_REMEMBERED = 20_000;

/** The hashes of files checked (inspect), kept so that enqueueing those very files records them without reading them again. */
export class ContentHashes {
  private readonly known = new Map<string, string>();

  /** Hashes each file one after the other (a file that cannot be read is left out: it is reported when sent). */
  async hashAll(files: readonly JobFile[]): Promise<(JobFile & { sha256: string })[]> {
    const hashed: (JobFile & { sha256: string })[] = [];
    for (const file of files) {
      const key = hashKey(file);
      let sha256 = this.known.get(key);
      if (sha256 === undefined) {
        sha256 = await sha256OfFile(file.path).catch(() => undefined);
        if (sha256 === undefined) continue;
        if (this.known.size >= MAX_REMEMBERED) this.known.clear();
        this.known.set(key, sha256);
      }
      hashed.push({ ...file, sha256 });
    }
    return hashed;
  }

  hashOf(file: JobFile): string | undefined {
    return this.known.get(hashKey(file));
  }
}

export function findSeenBefore(files: readonly (JobFile & { sha256: string })[], jobs: Iterable<QueueJob>): SeenBefore[] {
  const sent = new Map<string, QueueJob>();
  for (const job of jobs) {
    for (const file of job.files) {
      if (file.sha256 === undefined) continue;
      const known = sent.get(file.sha256);
      if (known === undefined || known.createdAt <= job.createdAt) sent.set(file.sha256, job); // equal times: the later in the queue
    }
  }
  const inDrop = new Map<string, number>();
  for (const file of files) inDrop.set(file.sha256, (inDrop.get(file.sha256) ?? 0) + 1);
  const seen: SeenBefore[] = [];
  for (const file of files) {
    const job = sent.get(file.sha256);
    const twice = (inDrop.get(file.sha256) ?? 0) > 1;
    if (job === undefined && !twice) continue;
    seen.push({ path: file.path, sentAt: job?.createdAt ?? null, chartNumber: job?.chartNumber ?? null, twiceInDrop: twice });
  }
  return seen;
}
