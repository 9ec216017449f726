/**
 * The crash test's workload: change i of a deterministic sequence (seeded by
 * its index) applied to the queue state after change i-1. The child process
 * that gets killed and the test that checks what survived both compute it
 * from here, so "the state after change i" means the same on both sides.
 */
import type { PersistedQueue, SavedChanges } from '../../../src/core/queue/types';
import type { QueueJob } from '../../../src/shared/queueJob';
import { seededRandom } from '../../support/seededRandom';

export const CHANGES = 1000;
const SLOTS = 40;

function job(id: string, i: number, random: () => number): QueueJob {
  return Object.freeze({
    id,
    chartNumber: `CRASH-${id}`,
    files: [{ path: `/tmp/crash/${id}.pdf`, name: `${id}.pdf`, size: 1000 + i, type: 'pdf' }],
    stage: random() < 0.5 ? 'queued' : 'uploading',
    idempotencyKey: `key-${id}`,
    jobId: null,
    createdAt: i,
    updatedAt: i,
    // Records of varying length, so kills and compactions land at different offsets.
    upload: { sentBytes: i, totalBytes: 1000 + i, bytesPerSecond: Math.floor(random() * 1e6), etaSeconds: null },
    uploadAttempts: i % 7,
    nextUploadAt: null,
    server: null,
    error: random() < 0.3 ? { code: 'network', message: 'x'.repeat(Math.floor(random() * 400)) } : null,
  });
}

/** The state after change `i` (0-based) given the state after change i-1. */
export function applyChange(state: PersistedQueue, i: number): PersistedQueue {
  const random = seededRandom(0x5eed + i);
  const jobs = [...state.jobs];
  const roll = random();
  if (i % 151 === 150) return { ...state, jobs, paused: !state.paused };
  if (jobs.length > 0 && (roll < 0.05 || jobs.length >= SLOTS + 10)) jobs.splice(Math.floor(random() * jobs.length), 1);
  else if (jobs.length < SLOTS || roll < 0.15) jobs.push(job(`j${i}`, i, random));
  else {
    const at = Math.floor(random() * jobs.length);
    jobs[at] = Object.freeze({ ...job(jobs[at]!.id, i, random), createdAt: jobs[at]!.createdAt });
  }
  return { version: 1, jobs, paused: state.paused };
}

/** states[k] = the state after k changes (states[0] is the empty queue). */
export function allStates(count = CHANGES): PersistedQueue[] {
  const states: PersistedQueue[] = [{ version: 1, jobs: [], paused: false }];
  for (let i = 0; i < count; i += 1) states.push(applyChange(states[i]!, i));
  return states;
}

/** What the queue hands the store with states[i + 1]: the jobs added or replaced since states[i], and those removed (null). */
export function changesAt(states: readonly PersistedQueue[], i: number): SavedChanges {
  const before = new Map(states[i]!.jobs.map((job) => [job.id, job]));
  const changes = new Map<string, QueueJob | null>();
  for (const job of states[i + 1]!.jobs) {
    if (before.get(job.id) !== job) changes.set(job.id, job);
    before.delete(job.id);
  }
  for (const id of before.keys()) changes.set(id, null);
  return changes;
}
