/**
 * One job's upload from first try to a verdict: try, decide, wait, try again.
 * The same Idempotency-Key goes with every try, so a try whose answer was lost
 * cannot create a second server job.
 */
import type { UploadProgress } from '../../shared/queueJob';
import type { Clock } from '../clock';
import { ProgressMeter } from './progressMeter';
import { decideAfterUpload, type RetryDecision, type RetryTimings } from './retryPolicy';
import { sendUpload, type UploadFile } from './sendUpload';
import type { Network } from '../network/network';
import type { Dialect } from '../../shared/dialect';

export interface UploadRunInput {
  /** Read before every try, so a new server or token applies to the next one. */
  target: () => { baseUrl: string; token?: string | null; network?: Network; dialect?: Dialect };
  idempotencyKey: string;
  chartNumber: string;
  batchId?: string;
  files: readonly UploadFile[];
  /** Tries already made for this job (persisted across restarts). */
  attemptsSoFar: number;
  clock: Clock;
  random: () => number;
  retry: RetryTimings;
  stallMs: number;
  progressIntervalMs: number;
  signal: AbortSignal;
}

export interface UploadRunEvents {
  onAttempt(attempt: number): void;
  onProgress(progress: UploadProgress): void;
  onRetryScheduled(info: { attempt: number; nextAt: number; code: string; message: string }): void;
}

export type UploadVerdict = Exclude<RetryDecision, { action: 'retry' }>;

export async function runUpload(input: UploadRunInput, events: UploadRunEvents): Promise<UploadVerdict> {
  const { clock } = input;
  for (let attempt = input.attemptsSoFar + 1; ; attempt += 1) {
    if (input.signal.aborted) return { action: 'aborted' };
    events.onAttempt(attempt);
    // sendUpload already reports at most once per interval; a second throttle here would
    // drop a report whenever two clock reads land a hair under the interval apart.
    const meter = new ProgressMeter(0, () => clock.monotonic());
    const target = input.target();
    const outcome = await sendUpload({
      baseUrl: target.baseUrl,
      token: target.token ?? null,
      network: target.network,
      ...(target.dialect !== undefined && { dialect: target.dialect }),
      ...(input.batchId !== undefined && { batchId: input.batchId }),
      idempotencyKey: input.idempotencyKey,
      chartNumber: input.chartNumber,
      files: input.files,
      clock,
      stallMs: input.stallMs,
      signal: input.signal,
      progressIntervalMs: input.progressIntervalMs,
      onProgress: (sent, total) => {
        const progress = meter.sample(sent, total);
        if (progress !== null) events.onProgress(progress);
      },
    });
    const decision = decideAfterUpload(outcome, attempt, { timings: input.retry, random: input.random, nowMs: clock.now() });
    if (decision.action !== 'retry') return decision;
    events.onRetryScheduled({ attempt, nextAt: clock.now() + decision.delayMs, code: decision.code, message: decision.message });
    if (!(await wait(clock, decision.delayMs, input.signal))) return { action: 'aborted' };
  }
}

/** Resolves true after `ms`, or false as soon as the signal aborts. */
function wait(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
