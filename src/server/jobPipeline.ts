/**
 * Moves each job through the phases of PROTOCOL.md, one phase per `phaseMs`,
 * failing planned attempts and retrying them. State lives in the JobRecord
 * (persisted), timers live here, so a restarted server resumes every
 * unfinished job from its current phase with `seq` continuing.
 */
import { PIPELINE_PHASES, phaseLabel } from '../shared/phases';
import { MAX_PHASE_TIMES } from './jobChange';
import { type JobRecord, isJobFinished } from './jobRecord';
import { type StatusPublisher } from './statusPublisher';

/** The phases an attempt can fail in: every one before `completed`. */
const WORK_PHASES = PIPELINE_PHASES.slice(0, -1);

export interface PipelineOptions {
  phaseMs: number;
  failRate: number;
  failPlan?: (info: { chartNumber: string; jobIndex: number }) => number;
  /** Probability 0..1 that a job about to complete is held by a quality check instead (`blocked`, seed 004). */
  blockedRate?: number;
  random: () => number;
}

export class JobPipeline {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly publisher: StatusPublisher,
    private readonly options: PipelineOptions,
  ) {}

  /** Starts a new job, or picks an unfinished one up again after a restart. */
  schedule(job: JobRecord): void {
    if (this.stopped || isJobFinished(job)) return;
    this.clearTimer(job.jobId);
    const timer = setTimeout(() => {
      this.timers.delete(job.jobId);
      this.advance(job);
    }, this.options.phaseMs);
    this.timers.set(job.jobId, timer);
  }

  /**
   * PROTOCOL.md §4: stops a job for good with one last `cancelled` update. False when the
   * job had already ended (the caller answers 409); a job waiting to be retried is not ended.
   */
  cancelJob(job: JobRecord): boolean {
    if (isJobFinished(job)) return false;
    this.clearTimer(job.jobId);
    transition(job, { status: 'cancelled', phase: 'cancelled', message: "Cancelled at the client's request." });
    this.publisher.publish(job);
    return true;
  }

  /** A status pushed from outside (benchmarks). A final one ends the job's pipeline. */
  emit(job: JobRecord, status: string, phase: string, message: string): void {
    transition(job, { status, phase, message });
    this.publisher.publish(job);
    if (isJobFinished({ status, willRetry: false })) this.clearTimer(job.jobId);
  }

  private clearTimer(jobId: string): void {
    const timer = this.timers.get(jobId);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(jobId);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private advance(job: JobRecord): void {
    if (this.stopped) return;
    if (job.status === 'queued' || (job.status === 'failed' && job.willRetry)) {
      this.startAttempt(job, job.attempt + 1);
    } else if (job.phase === job.failAtPhase) {
      this.failAttempt(job);
    } else {
      const index = PIPELINE_PHASES.indexOf(job.phase as never);
      const next = index === -1 ? undefined : PIPELINE_PHASES[index + 1];
      if (next === undefined) return; // a phase pushed by emit() that the pipeline does not know: nothing to continue from
      if (next === 'completed' && this.heldByQualityCheck()) {
        transition(job, { status: 'blocked', phase: 'blocked', message: 'Held by a quality check: a person needs to look at it.' });
        this.publisher.publish(job);
        return;
      }
      transition(job, {
        status: next === 'completed' ? 'completed' : 'processing',
        phase: next,
        message: phaseMessage(next),
      });
    }
    this.publisher.publish(job);
    this.schedule(job);
  }

  private startAttempt(job: JobRecord, attempt: number): void {
    job.attempt = attempt;
    job.failAtPhase = this.plannedFailure(job, attempt);
    transition(job, {
      status: 'processing',
      phase: 'processing',
      message: attempt === 1 ? phaseMessage('processing') : `Retrying: attempt ${attempt} of ${job.maxAttempts}.`,
    });
  }

  private failAttempt(job: JobRecord): void {
    const willRetry = job.attempt < job.maxAttempts;
    const where = phaseLabel(job.phase);
    transition(job, {
      status: 'failed',
      phase: 'failed',
      message: willRetry
        ? `Processing failed during "${where}" (attempt ${job.attempt} of ${job.maxAttempts}); retrying.`
        : `Processing failed during "${where}" (attempt ${job.attempt} of ${job.maxAttempts}); no retries left.`,
      willRetry,
    });
  }

  private heldByQualityCheck(): boolean {
    const rate = this.options.blockedRate ?? 0;
    return rate > 0 && this.options.random() < rate;
  }

  private plannedFailure(job: JobRecord, attempt: number): string | null {
    const { failPlan, failRate, random } = this.options;
    let fails: boolean;
    if (failPlan !== undefined) {
      let failures = 0;
      try {
        failures = failPlan({ chartNumber: job.chartNumber, jobIndex: job.jobIndex });
      } catch {
        failures = 0; // a broken plan must not take the server down
      }
      fails = attempt <= failures;
    } else {
      fails = failRate > 0 && random() < failRate;
    }
    if (!fails) return null;
    // Random-looking but reproducible: the same job fails at the same phase on every run.
    return WORK_PHASES[(job.jobIndex * 7 + attempt * 3) % WORK_PHASES.length] ?? 'processing';
  }
}

function phaseMessage(phase: string): string {
  switch (phase) {
    case 'processing':
      return 'Processing documents.';
    case 'completed':
      return 'Processing completed.';
    default:
      return `${phaseLabel(phase)}.`;
  }
}

/** Applies one change: next seq, a strictly increasing timestamp, phase timings. */
export function transition(
  job: JobRecord,
  change: { status: string; phase: string; message: string; willRetry?: boolean },
): void {
  const previousMs = Date.parse(job.timestamp);
  // Two updates in the same millisecond would tie; clients that order by time need a strict order.
  const ms = Number.isNaN(previousMs) ? Date.now() : Math.max(Date.now(), previousMs + 1);
  const timestamp = new Date(ms).toISOString();
  const open = job.phaseTimes.at(-1);
  if (open !== undefined && open.endedAt === null) open.endedAt = timestamp;
  const final = isJobFinished({ status: change.status, willRetry: false });
  job.phaseTimes.push({
    phase: change.phase,
    attempt: Math.max(job.attempt, 1),
    startedAt: timestamp,
    endedAt: final ? timestamp : null,
  });
  // Every save writes the whole record: a job pushed thousands of updates (emitStatus) must not make each one cost more than the last.
  if (job.phaseTimes.length > MAX_PHASE_TIMES) job.phaseTimes.splice(0, job.phaseTimes.length - MAX_PHASE_TIMES);
  job.status = change.status;
  job.phase = change.phase;
  job.message = change.message;
  job.timestamp = timestamp;
  job.seq += 1;
  job.willRetry = change.willRetry ?? false;
}
