/**
 * A PersistedQueue as JSON, in slices: the text JSON.stringify would give,
 * cut into chunks of about CHUNK_CHARS so the writer can yield between them
 * (one JSON.stringify of 10,000 jobs blocks the event loop for tens of ms).
 *
 * Jobs are frozen and replaced whole when they change, so a frozen job's JSON
 * is remembered: a write after a burst re-encodes only the jobs that changed.
 * An object that is not frozen may still change under us; it is encoded every
 * time.
 */
import type { QueueJob } from '../../shared/queueJob';
import type { PersistedQueue } from '../queue/types';

const CHUNK_CHARS = 256 * 1024;

export class QueueJsonChunks {
  private readonly encoded = new WeakMap<QueueJob, string>();

  *chunks(state: PersistedQueue): Generator<string> {
    let chunk = `{"version":${JSON.stringify(state.version)},"jobs":[`;
    for (let i = 0; i < state.jobs.length; i += 1) {
      chunk += (i === 0 ? '' : ',') + this.encode(state.jobs[i]!);
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    yield `${chunk}],"paused":${JSON.stringify(state.paused)}}`;
  }

  private encode(job: QueueJob): string {
    const known = this.encoded.get(job);
    if (known !== undefined) return known;
    const json = JSON.stringify(job);
    if (Object.isFrozen(job)) this.encoded.set(job, json);
    return json;
  }
}
