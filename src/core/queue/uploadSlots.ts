/**
 * The uploads running right now, one AbortController each. Whoever stops a
 * transfer (cancel, pause, server switch, close) takes its slot away first,
 * so a late verdict from that transfer is recognised as stale and ignored.
 */
import type { QueueJob, UploadProgress } from '../../shared/queueJob';
import type { Clock } from '../clock';
import type { Logger } from '../base/logger';
import type { RetryTimings } from '../upload/retryPolicy';
import { runUpload, type UploadVerdict } from '../upload/uploadRunner';
import type { JobBook } from './jobBook';
import type { ServerTarget } from './types';

export interface UploadSlotsOptions {
  book: JobBook;
  clock: Clock;
  logger: Logger;
  random: () => number;
  retry: RetryTimings;
  stallMs: number;
  progressIntervalMs: number;
  target: () => ServerTarget;
  /** Called only for the verdict of a transfer that still owns its slot. */
  onVerdict: (job: QueueJob, verdict: UploadVerdict) => void;
}

export class UploadSlots {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly options: UploadSlotsOptions) {}

  get count(): number {
    return this.running.size;
  }

  has(id: string): boolean {
    return this.running.has(id);
  }

  ids(): string[] {
    return [...this.running.keys()];
  }

  /** Stops a transfer and frees its slot; its verdict will be ignored. */
  abort(id: string): void {
    this.running.get(id)?.abort();
    this.running.delete(id);
  }

  abortAll(): void {
    for (const id of this.ids()) this.abort(id);
  }

  start(job: QueueJob): void {
    const { book, clock, logger } = this.options;
    const controller = new AbortController();
    const id = job.id;
    this.running.set(id, controller);
    const total = job.files.reduce((sum, file) => sum + file.size, 0);
    const fresh = (): UploadProgress => ({ sentBytes: 0, totalBytes: total, bytesPerSecond: 0, etaSeconds: null });
    book.update(job, { stage: 'uploading', upload: fresh(), nextUploadAt: null });
    logger.info('upload started', { job: id, files: job.files.length, bytes: total });

    const owns = (): boolean => this.running.get(id) === controller;
    const patch = (changes: Partial<QueueJob>, save = true): void => {
      const current = book.get(id);
      if (owns() && current?.stage === 'uploading') book.update(current, changes, save);
    };
    const finish = (verdict: UploadVerdict): void => {
      if (!owns()) return;
      this.running.delete(id);
      const current = book.get(id);
      if (current?.stage === 'uploading') this.options.onVerdict(current, verdict);
    };

    runUpload(
      {
        target: this.options.target,
        idempotencyKey: job.idempotencyKey,
        chartNumber: job.chartNumber,
        ...(job.batchId !== undefined && { batchId: job.batchId }),
        files: job.files,
        attemptsSoFar: job.uploadAttempts,
        clock,
        random: this.options.random,
        retry: this.options.retry,
        stallMs: this.options.stallMs,
        progressIntervalMs: this.options.progressIntervalMs,
        signal: controller.signal,
      },
      {
        onAttempt: (attempt) => patch({ uploadAttempts: attempt, nextUploadAt: null, upload: fresh() }),
        // Progress is not saved: after a restart the upload starts from 0 anyway.
        onProgress: (upload) => patch({ upload }, false),
        onRetryScheduled: ({ nextAt, code, message }) => {
          logger.warn('upload try failed; retrying', { job: id, code, inMs: nextAt - clock.now() });
          patch({ nextUploadAt: nextAt, upload: null, error: { code, message } });
        },
      },
    )
      .then(finish, (error: unknown) => finish({ action: 'fail', code: 'internal', message: `Upload failed unexpectedly: ${String(error)}` }))
      // A throwing tracker or listener must not become an unhandled rejection (that would end the process).
      .catch((error: unknown) => logger.error('handling an upload verdict failed', { job: id, error: String(error) }));
  }
}
