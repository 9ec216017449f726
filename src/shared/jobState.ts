/**
 * The pure job state machine: `applyStatusUpdate(job, update) → result`.
 * No clock, no I/O. Every ordering rule of PROTOCOL.md lives here and only here.
 */
import { isPipelinePhase, phaseRank } from './phases';

/** One status observation of a server job, from any source. */
export interface StatusUpdate {
  jobId: string;
  status: string;
  phase: string;
  message?: string;
  /** ISO time from the server; absent only in REST bodies of servers that send none. */
  timestamp?: string;
  seq?: number;
  attempt?: number;
  maxAttempts?: number;
  willRetry?: boolean;
  /** Socket.IO dialects: the share done, 0–100. */
  progress?: number;
  /** Socket.IO dialects: the backend's own status word (`status` holds what it means to Intake). */
  statusWord?: string;
}

/** What the client knows of one server job. */
export interface ServerJobState {
  jobId: string;
  status: string;
  phase: string;
  message: string;
  timestamp: string | null;
  seq: number | null;
  attempt: number | null;
  maxAttempts: number | null;
  willRetry: boolean;
  /** Server timestamp at which each phase was first seen, for per-phase timings. */
  phaseSeenAt: Record<string, string>;
  /**
   * The latest pipeline phase of the current attempt: where a failure happened. Not the
   * furthest phase in phaseSeenAt, which spans every attempt (a retry that fails earlier
   * than the first attempt got would be shown failing where it never was). Absent until
   * a pipeline phase was applied (and in jobs saved before it existed).
   */
  attemptPhase?: string;
  /** Socket.IO dialects: the share done, 0–100, as the backend said it. */
  progress?: number;
  /** Socket.IO dialects: the backend's status word, shown beside the message. */
  statusWord?: string;
}

export type ApplyOutcome =
  | 'applied'
  /** Same update again: nothing changes. */
  | 'duplicate'
  /** Older than what is already applied: dropped. */
  | 'stale'
  /** The job is completed or cancelled; nothing moves it any more. */
  | 'final';

export interface ApplyResult {
  job: ServerJobState;
  outcome: ApplyOutcome;
  /** `seq` skipped numbers: something was missed, so the caller should fetch §2. */
  gap: boolean;
}

export function initialServerJob(jobId: string): ServerJobState {
  return {
    jobId,
    status: 'queued',
    phase: 'queued',
    message: '',
    timestamp: null,
    seq: null,
    attempt: null,
    maxAttempts: null,
    willRetry: false,
    phaseSeenAt: {},
  };
}

export function applyStatusUpdate(job: ServerJobState, update: StatusUpdate): ApplyResult {
  if (job.status === 'completed' || job.status === 'cancelled') return { job, outcome: 'final', gap: false };

  const order = compare(job, update);
  if (order !== 'newer') return { job, outcome: order, gap: false };

  const gap = job.seq !== null && update.seq !== undefined && update.seq > job.seq + 1;
  const failed = update.status === 'failed' || update.phase === 'failed';
  const next: ServerJobState = {
    jobId: job.jobId,
    status: update.status,
    phase: update.phase,
    message: update.message ?? '',
    timestamp: update.timestamp ?? job.timestamp,
    seq: update.seq ?? job.seq,
    attempt: update.attempt ?? job.attempt,
    maxAttempts: update.maxAttempts ?? job.maxAttempts,
    willRetry: failed ? update.willRetry === true : false,
    phaseSeenAt:
      update.timestamp !== undefined && !Object.hasOwn(job.phaseSeenAt, update.phase)
        ? { ...job.phaseSeenAt, [update.phase]: update.timestamp }
        : job.phaseSeenAt,
  };
  const attemptPhase = isPipelinePhase(update.phase) ? update.phase : job.attemptPhase;
  if (attemptPhase !== undefined) next.attemptPhase = attemptPhase;
  const progress = update.progress ?? job.progress;
  if (progress !== undefined) next.progress = progress;
  if (update.statusWord !== undefined) next.statusWord = update.statusWord;
  return { job: next, outcome: 'applied', gap };
}

function compare(job: ServerJobState, update: StatusUpdate): 'newer' | 'duplicate' | 'stale' {
  // With seq on both sides, seq alone decides.
  if (job.seq !== null && update.seq !== undefined) {
    if (update.seq > job.seq) return 'newer';
    return update.seq === job.seq ? 'duplicate' : 'stale';
  }
  const rank = phaseRank(update.phase) - phaseRank(job.phase);
  if (job.timestamp === null) {
    // Nothing timed applied yet (a fresh job, or only a body without time): the phase
    // table is all there is, so a late older frame cannot move the job back. A failure
    // the server will retry is the one way back down the table.
    if (rank < 0 && !(job.status === 'failed' && job.willRetry)) return 'stale';
    // A timed update of the same phase still brings what was missing: its time (and seq).
    if (update.timestamp === undefined && update.phase === job.phase && update.status === job.status) return 'duplicate';
    return 'newer';
  }
  if (update.timestamp === undefined) {
    // A body without time can only move a job forward through the table.
    if (rank > 0) return 'newer';
    return update.phase === job.phase && update.status === job.status ? 'duplicate' : 'stale';
  }
  const delta = timeOf(update.timestamp) - timeOf(job.timestamp);
  if (delta > 0) return 'newer';
  if (delta < 0) return 'stale';
  // Socket.IO dialects (no seq): at the same time, more progress is the later update.
  if (update.progress !== undefined && job.progress !== undefined && update.progress !== job.progress) {
    return update.progress > job.progress ? 'newer' : 'stale';
  }
  if (rank > 0) return 'newer';
  return rank === 0 && update.phase === job.phase && update.status === job.status ? 'duplicate' : 'stale';
}

/** Unparseable timestamps sort first, so they never override a readable one. */
function timeOf(timestamp: string): number {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** Completed, cancelled (PROTOCOL.md §4), blocked (seed 004), or failed with no retry coming: the user can be told it ended. */
export function isFinal(job: Pick<ServerJobState, 'status' | 'willRetry'>): boolean {
  return job.status === 'completed' || job.status === 'cancelled' || job.status === 'blocked' || (job.status === 'failed' && !job.willRetry);
}
