/**
 * `--json`: one JSON object per line on stdout, each with `event` and `at`
 * (ISO time), for scripts. Upload progress is throttled per job so a fast
 * upload does not flood the pipe; the last progress (all bytes sent) always goes out.
 */
import type { ConnectionState } from '../../shared/connectionState';
import type { QueueJob } from '../../shared/queueJob';
import type { JobResult, Reporter, TextSink } from './reporter';
import type { BatchProgress } from '../../core/connection/transport';

export const JSON_PROGRESS_INTERVAL_MS = 500;

export interface JsonOutputOptions {
  out: TextSink;
  err: TextSink;
  now?: () => number;
  progressIntervalMs?: number;
}

export class JsonOutput implements Reporter {
  private readonly lastProgressAt = new Map<string, number>();
  private readonly now: () => number;
  private readonly progressIntervalMs: number;

  constructor(private readonly options: JsonOutputOptions) {
    this.now = options.now ?? Date.now;
    this.progressIntervalMs = options.progressIntervalMs ?? JSON_PROGRESS_INTERVAL_MS;
  }

  queued(job: QueueJob): void {
    this.emit('queued', {
      id: job.id,
      chartNumber: job.chartNumber,
      files: job.files.map((f) => ({ name: f.name, size: f.size, type: f.type })),
    });
  }

  progress(job: QueueJob): void {
    const upload = job.upload;
    if (upload === null) return;
    const now = this.now();
    const last = this.lastProgressAt.get(job.id);
    const finished = upload.sentBytes >= upload.totalBytes;
    if (!finished && last !== undefined && now - last < this.progressIntervalMs) return;
    this.lastProgressAt.set(job.id, now);
    this.emit('upload_progress', {
      id: job.id,
      chartNumber: job.chartNumber,
      sentBytes: upload.sentBytes,
      totalBytes: upload.totalBytes,
      bytesPerSecond: Math.round(upload.bytesPerSecond),
      etaSeconds: upload.etaSeconds,
    });
  }

  retrying(job: QueueJob): void {
    this.emit('upload_retry', {
      id: job.id,
      chartNumber: job.chartNumber,
      attempt: job.uploadAttempts,
      code: job.error?.code ?? null,
      message: job.error?.message ?? '',
      nextTryAt: job.nextUploadAt === null ? null : new Date(job.nextUploadAt).toISOString(),
    });
  }

  uploaded(job: QueueJob): void {
    this.lastProgressAt.delete(job.id);
    this.emit('uploaded', { id: job.id, chartNumber: job.chartNumber, jobId: job.jobId });
  }

  phase(job: QueueJob): void {
    const server = job.server;
    if (server === null) return;
    this.emit('phase', {
      id: job.id,
      chartNumber: job.chartNumber,
      jobId: job.jobId,
      status: server.status,
      phase: server.phase,
      message: server.message,
      seq: server.seq,
      // Socket.IO backends (PROTOCOL.md "Backend dialects"): their percentage and own status word.
      ...(server.progress !== undefined && { progress: server.progress }),
      ...(server.statusWord !== undefined && { statusWord: server.statusWord }),
      ...(server.status === 'failed' && {
        attempt: server.attempt,
        maxAttempts: server.maxAttempts,
        willRetry: server.willRetry,
      }),
    });
  }

  connection(state: ConnectionState): void {
    // `step`: where the last attempt failed on the way (dns, connect, proxy, proxy_auth, tls, upgrade).
    const step = 'problem' in state && state.problem ? { step: state.problem.step } : {};
    this.emit('connection', { state: state.state, reason: state.reason, ...step });
  }

  batch(batch: BatchProgress): void {
    this.emit('batch', { ...batch });
  }

  done(result: JobResult): void {
    this.emit('done', {
      id: result.id,
      chartNumber: result.chartNumber,
      jobId: result.jobId,
      outcome: result.outcome,
      message: result.message,
      ...(result.reasons.length > 0 && { reasons: result.reasons }),
    });
  }

  info(message: string): void {
    this.emit('info', { message });
  }

  warning(message: string): void {
    this.options.err.write(`intake: warning: ${message}\n`);
  }

  close(): void {}

  private emit(event: string, fields: Record<string, unknown>): void {
    this.options.out.write(`${JSON.stringify({ event, at: new Date(this.now()).toISOString(), ...fields })}\n`);
  }
}
