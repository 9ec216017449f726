/**
 * What one or more transitions change in a job record, small enough to
 * journal on every update: the fields a transition sets, plus only the phase
 * timings it touched. Documents, the 201 body and older timings never change
 * after upload, and writing them again on each update would make a journal
 * line cost as much as the whole record.
 *
 * Timings are matched to the record by seq: every transition pushes exactly
 * one timing and bumps seq by one, and it touches only the previous last
 * timing (closing it). So a record's last timing belongs to its seq, the one
 * before to seq - 1, and so on; a change since seq P carries the timings of
 * seqs P..seq (P's own because it may have been closed since).
 */
import { z } from 'zod';
import { type JobRecord, phaseTimeSchema } from './jobRecord';

export const jobChangeSchema = z
  .object({
    jobId: z.string(),
    seq: z.number().int().nonnegative(),
    status: z.string(),
    phase: z.string(),
    message: z.string(),
    timestamp: z.string(),
    attempt: z.number().int().nonnegative(),
    willRetry: z.boolean(),
    failAtPhase: z.string().nullable(),
    /** The seq whose timing is the first one in `phaseTimes`. */
    phaseTimesSince: z.number().int().nonnegative(),
    phaseTimes: z.array(phaseTimeSchema),
  })
  .strict();
export type JobChange = z.infer<typeof jobChangeSchema>;

/** Phase timings kept per job, the latest ones: far more than a real job's attempts need, and a bound on every record's size. */
export const MAX_PHASE_TIMES = 64;

/** The change from the record as it was at `sinceSeq` to now, or undefined when only the whole record can say it. */
export function jobChangeSince(job: JobRecord, sinceSeq: number): JobChange | undefined {
  const touched = job.seq - sinceSeq + 1;
  // A record older than its first timing (a new job at seq 0), or timings dropped by the cap: the whole record it is.
  if (job.seq <= sinceSeq || touched > job.phaseTimes.length) return undefined;
  const { jobId, seq, status, phase, message, timestamp, attempt, willRetry, failAtPhase } = job;
  return {
    jobId,
    seq,
    status,
    phase,
    message,
    timestamp,
    attempt,
    willRetry,
    failAtPhase,
    phaseTimesSince: sinceSeq,
    phaseTimes: job.phaseTimes.slice(-touched).map((time) => ({ ...time })),
  };
}

/**
 * Applies a change to the record in place. Returns false when the record is
 * too old for it (a line in between is missing), leaving the record as it was.
 * A change the record already holds (seq not newer) is skipped: replaying a
 * journal over the jobs.json compacted from it must change nothing.
 */
export function applyJobChange(job: JobRecord, change: JobChange): boolean {
  if (change.seq <= job.seq) return true;
  if (job.seq < change.phaseTimesSince) return false;
  const { phaseTimesSince, phaseTimes, jobId: _jobId, ...fields } = change;
  const keep = Math.max(0, job.phaseTimes.length - (job.seq - phaseTimesSince + 1));
  Object.assign(job, fields);
  job.phaseTimes = capPhaseTimes([...job.phaseTimes.slice(0, keep), ...phaseTimes.map((time) => ({ ...time }))]);
  return true;
}

/** Keeps the latest MAX_PHASE_TIMES timings. */
export function capPhaseTimes<T>(times: T[]): T[] {
  return times.length > MAX_PHASE_TIMES ? times.slice(-MAX_PHASE_TIMES) : times;
}
