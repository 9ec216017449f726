/**
 * The upload queue: jobs go in (validated, written to disk first), are
 * uploaded a few at a time, handed to the tracker, and followed to their end.
 * Front ends (CLI, Electron main, test bridge) see it only through this API
 * and its change stream. Contract: notes/queue-api.md.
 */
import type { FileInspection } from '../../shared/ipc';
import { initialServerJob, type ServerJobState } from '../../shared/jobState';
import { isFinishedStage, type QueueChange, type QueueJob } from '../../shared/queueJob';
import { chartNumberProblem } from '../../shared/protocol';
import { silentLogger, systemClock, type Clock, type Logger } from '../clock';
import { DEFAULT_FILE_LIMITS, inspectFiles, type FileLimits } from '../files/fileInspector';
import { fetchChartStatus } from '../statusClient';
import { DEFAULT_RETRY_TIMINGS, type RetryTimings } from '../upload/retryPolicy';
import { runUpload, type UploadVerdict } from '../upload/uploadRunner';
import { ChangeStream } from './changeStream';
import { followsServer, newQueueJob, planRetry, withServerState } from './jobTransitions';
import { QueuePersister } from './queuePersister';
import { QueueInputError, type QueueEvent, type ServerTarget, type UploadQueueOptions } from './types';

export * from './types';

export class UploadQueue {
  private readonly jobs = new Map<string, QueueJob>(); // insertion order = creation order
  private readonly localIdByJobId = new Map<string, string>();
  private readonly uploads = new Map<string, AbortController>();
  /** Enqueued jobs whose first write has not finished: they must not upload yet. */
  private readonly notDurable = new Set<string>();
  private readonly eventListeners = new Set<(event: QueueEvent) => void>();
  private readonly changes: ChangeStream;
  private readonly persister: QueuePersister;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly limits: FileLimits;
  private readonly retryTimings: RetryTimings;
  private readonly stallMs: number;
  private readonly progressIntervalMs: number;
  private readonly stopTracking: () => void;
  private server: ServerTarget;
  private concurrency: number;
  private historySize: number;
  private isPaused = false;
  /** The server refused our credentials: no upload starts until setServer brings new ones. */
  private authBlocked = false;
  private started = false;
  private closed = false;
  private starting: Promise<void> | null = null;

  constructor(private readonly options: UploadQueueOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
    this.server = { ...options.server };
    this.concurrency = validCount(options.concurrency ?? 2, 'concurrency');
    this.historySize = validCount(options.historySize ?? 1000, 'historySize', 0);
    this.limits = { ...DEFAULT_FILE_LIMITS, ...definedOnly(options.limits ?? {}) };
    const timings = options.timings ?? {};
    this.stallMs = timings.stallMs ?? 30_000;
    this.progressIntervalMs = timings.progressIntervalMs ?? 100;
    this.retryTimings = {
      ...DEFAULT_RETRY_TIMINGS,
      ...definedOnly({ baseMs: timings.retryBaseMs, maxMs: timings.retryMaxMs, maxAttempts: timings.maxUploadAttempts }),
    };
    this.changes = new ChangeStream(this.logger);
    this.persister = new QueuePersister(options.store, this.clock, timings.saveDebounceMs ?? 200, () => this.persistedState(), (error) => {
      this.logger.error('saving the queue failed', { error: String(error) });
      this.emit({ type: 'warning', message: `The queue could not be saved to disk: ${String(error)}` });
    });
    this.stopTracking = options.tracker.onJob((state) => this.onServerState(state));
  }

  get paused(): boolean {
    return this.isPaused;
  }

  start(): Promise<void> {
    this.starting ??= this.load().catch((error: unknown) => {
      this.starting = null; // a failed load may be retried
      throw error;
    });
    return this.starting;
  }

  inspect(paths: string[]): Promise<FileInspection> {
    return inspectFiles(paths, this.limits);
  }

  async enqueue(input: { chartNumber: string; files: string[] }): Promise<QueueJob> {
    await this.start();
    if (this.closed) throw new QueueInputError('closed', 'The queue is shut down.');
    const chartNumber = typeof input?.chartNumber === 'string' ? input.chartNumber.trim() : '';
    const chartProblem = chartNumberProblem(chartNumber);
    if (chartProblem !== null) throw new QueueInputError('invalid_chart_number', chartProblem);
    const paths = Array.isArray(input.files) ? input.files.filter((path) => typeof path === 'string' && path.length > 0) : [];
    if (paths.length === 0) throw new QueueInputError('no_files', 'Add at least one document.');

    const { accepted, rejected } = await this.inspect(paths);
    if (rejected.length > 0) {
      const reasons = rejected.map((file) => `${file.name}: ${file.reason}`).join('\n');
      throw new QueueInputError('invalid_files', `Nothing was queued; ${rejected.length} of the dropped items cannot be sent:\n${reasons}`, rejected);
    }
    if (accepted.length === 0) throw new QueueInputError('no_files', 'No documents found in what was dropped.');

    const job = Object.freeze(newQueueJob(chartNumber, accepted, this.clock.now()));
    this.jobs.set(job.id, job);
    this.notDurable.add(job.id);
    try {
      await this.persister.saveNow(); // durable BEFORE any byte is sent: a crash now loses nothing
    } catch (error) {
      this.jobs.delete(job.id);
      throw new QueueInputError('storage', `The job could not be saved to disk, so nothing was queued (${String(error)}).`);
    } finally {
      this.notDurable.delete(job.id);
    }
    const queued = this.jobs.get(job.id) ?? job;
    this.changes.upsert(queued);
    this.emit({ type: 'queued', job: queued });
    this.logger.info('job queued', { job: job.id, files: accepted.length, bytes: totalBytes(queued) });
    this.pump();
    return queued;
  }

  cancel(id: string): void {
    const job = this.require(id);
    if (isFinishedStage(job.stage)) throw new QueueInputError('invalid_state', `This job has already ended (${job.stage}).`);
    this.abortUpload(id);
    if (job.stage === 'tracking' && job.jobId !== null) this.options.tracker.untrack(job.jobId);
    const cancelled = this.update(job, { stage: 'cancelled', upload: null, nextUploadAt: null, error: null });
    this.emit({ type: 'done', job: cancelled });
    this.afterFinish();
  }

  retry(id: string): void {
    const job = this.require(id);
    const plan = planRetry(job);
    if (plan === null) throw new QueueInputError('invalid_state', `Only a failed, rejected or cancelled job can be retried (this one is ${job.stage}).`);
    if (plan.kind === 'retrack' && job.jobId !== null) {
      this.update(job, plan.patch);
      this.options.tracker.track(job.jobId, { chartNumber: job.chartNumber }, job.server ?? undefined);
      return;
    }
    if (job.jobId !== null && plan.patch.jobId === null) this.localIdByJobId.delete(job.jobId);
    const queued = this.update(job, plan.patch);
    this.emit({ type: 'queued', job: queued });
    this.pump();
  }

  remove(id: string): void {
    const job = this.require(id);
    this.abortUpload(id);
    if (job.stage === 'tracking' && job.jobId !== null) this.options.tracker.untrack(job.jobId);
    this.drop(job);
    this.persister.requestSave();
    this.pump();
  }

  clearFinished(): number {
    const finished = [...this.jobs.values()].filter((job) => isFinishedStage(job.stage));
    for (const job of finished) this.drop(job);
    if (finished.length > 0) this.persister.requestSave();
    return finished.length;
  }

  pauseAll(): void {
    if (this.isPaused) return;
    this.isPaused = true;
    // Running transfers stop now and restart, with the same key, on resume.
    for (const id of [...this.uploads.keys()]) this.requeue(id);
    this.persister.requestSave();
  }

  resumeAll(): void {
    if (!this.isPaused) return;
    this.isPaused = false;
    this.persister.requestSave();
    this.pump();
  }

  setConcurrency(n: number): void {
    this.concurrency = validCount(n, 'concurrency');
    this.pump(); // more slots start waiting jobs; fewer let running ones finish
  }

  setHistorySize(n: number): void {
    this.historySize = validCount(n, 'historySize', 0);
    this.trimHistory();
  }

  setServer(server: ServerTarget): void {
    if (typeof server?.baseUrl !== 'string' || !URL.canParse(server.baseUrl)) {
      throw new QueueInputError('invalid_argument', 'Server URL is not a valid URL.');
    }
    const urlChanged = server.baseUrl !== this.server.baseUrl;
    const tokenChanged = (server.token ?? null) !== (this.server.token ?? null);
    this.server = { baseUrl: server.baseUrl, token: server.token ?? null };
    if (!urlChanged && !tokenChanged) return;
    if (urlChanged) for (const id of [...this.uploads.keys()]) this.requeue(id);
    if (this.authBlocked) {
      this.authBlocked = false;
      for (const job of this.jobs.values()) if (job.stage === 'queued' && job.error?.code === 'auth') this.update(job, { error: null });
    }
    this.pump();
  }

  snapshot(): QueueJob[] {
    return [...this.jobs.values()].filter((job) => !this.notDurable.has(job.id)).reverse();
  }

  get(id: string): QueueJob | undefined {
    return this.notDurable.has(id) ? undefined : this.jobs.get(id);
  }

  onChange(listener: (changes: QueueChange[]) => void): () => void {
    return this.changes.subscribe(listener);
  }

  onEvent(listener: (event: QueueEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** The §2 `results` of a completed job, as the server computed them. */
  async getResults(id: string): Promise<unknown> {
    const job = this.require(id);
    if (job.stage !== 'completed' || job.jobId === null) throw new QueueInputError('invalid_state', 'Results exist only once the job has completed.');
    const body = await fetchChartStatus({ baseUrl: this.server.baseUrl, chartNumber: job.chartNumber, token: this.server.token ?? null });
    const results = (body as { results?: unknown } | null)?.results ?? null;
    // Servers holding several jobs for one chart may key results by jobId.
    if (results !== null && typeof results === 'object' && Object.hasOwn(results, job.jobId)) {
      return (results as Record<string, unknown>)[job.jobId];
    }
    return results;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.starting?.catch(() => undefined);
    this.closed = true;
    // Aborted transfers keep stage 'uploading' on disk: the next start() sends them again with their keys.
    for (const controller of this.uploads.values()) controller.abort();
    this.uploads.clear();
    this.stopTracking();
    await this.persister.flush();
    this.persister.dispose();
  }

  // ---- internals -----------------------------------------------------------

  private async load(): Promise<void> {
    const saved = await this.options.store.load();
    for (const message of this.options.store.drainWarnings?.() ?? []) this.emit({ type: 'warning', message });
    this.isPaused = saved?.paused ?? false;
    for (const stored of saved?.jobs ?? []) {
      // An upload cut short by the last exit starts over, with the same key.
      const job = Object.freeze(stored.stage === 'uploading' ? { ...stored, stage: 'queued' as const, upload: null, nextUploadAt: null } : stored);
      this.jobs.set(job.id, job);
      if (job.jobId !== null) this.localIdByJobId.set(job.jobId, job.id);
      if (job.stage === 'tracking' && job.jobId !== null) {
        this.options.tracker.track(job.jobId, { chartNumber: job.chartNumber }, job.server ?? undefined);
      }
      this.changes.upsert(job);
    }
    this.started = true;
    this.logger.info('queue loaded', { jobs: this.jobs.size, paused: this.isPaused });
    this.trimHistory();
    this.pump();
  }

  private pump(): void {
    if (!this.started || this.closed || this.isPaused || this.authBlocked) return;
    for (const job of this.jobs.values()) {
      if (this.uploads.size >= this.concurrency) return;
      if (job.stage === 'queued' && !this.uploads.has(job.id) && !this.notDurable.has(job.id)) this.startUpload(job);
    }
  }

  private startUpload(job: QueueJob): void {
    const controller = new AbortController();
    const id = job.id;
    this.uploads.set(id, controller);
    const total = totalBytes(job);
    this.update(job, { stage: 'uploading', upload: { sentBytes: 0, totalBytes: total, bytesPerSecond: 0, etaSeconds: null }, nextUploadAt: null });
    this.logger.info('upload started', { job: id, files: job.files.length, bytes: total });
    // Only the transfer that owns this controller may still change the job.
    const patch = (changes: Partial<QueueJob>, save = true): void => {
      const current = this.jobs.get(id);
      if (current?.stage === 'uploading' && this.uploads.get(id) === controller && !this.closed) this.update(current, changes, save);
    };
    runUpload(
      {
        target: () => this.server,
        idempotencyKey: job.idempotencyKey,
        chartNumber: job.chartNumber,
        files: job.files,
        attemptsSoFar: job.uploadAttempts,
        clock: this.clock,
        random: this.random,
        retry: this.retryTimings,
        stallMs: this.stallMs,
        progressIntervalMs: this.progressIntervalMs,
        signal: controller.signal,
      },
      {
        onAttempt: (attempt) => patch({ uploadAttempts: attempt, nextUploadAt: null, upload: { sentBytes: 0, totalBytes: total, bytesPerSecond: 0, etaSeconds: null } }),
        onProgress: (upload) => patch({ upload }, false),
        onRetryScheduled: ({ nextAt, code, message }) => {
          this.logger.warn('upload try failed; retrying', { job: id, code, inMs: nextAt - this.clock.now() });
          patch({ nextUploadAt: nextAt, upload: null, error: { code, message } });
        },
      },
    ).then(
      (verdict) => this.finishUpload(id, controller, verdict),
      (error: unknown) => this.finishUpload(id, controller, { action: 'fail', code: 'internal', message: `Upload failed unexpectedly: ${String(error)}` }),
    );
  }

  private finishUpload(id: string, controller: AbortController, verdict: UploadVerdict): void {
    if (this.uploads.get(id) !== controller) return; // cancelled, paused, removed or closed meanwhile
    this.uploads.delete(id);
    const job = this.jobs.get(id);
    if (this.closed || job === undefined || job.stage !== 'uploading' || verdict.action === 'aborted') return this.pump();
    const base = { upload: null, nextUploadAt: null } as const;
    switch (verdict.action) {
      case 'accepted': {
        const server: ServerJobState = initialServerJob(verdict.jobId);
        const uploaded = this.update(job, { ...base, stage: 'tracking', jobId: verdict.jobId, server, error: null });
        this.localIdByJobId.set(verdict.jobId, id);
        this.logger.info('upload accepted', { job: id, attempts: job.uploadAttempts });
        this.options.tracker.track(verdict.jobId, { chartNumber: job.chartNumber });
        this.emit({ type: 'uploaded', job: uploaded });
        break;
      }
      case 'auth': {
        this.authBlocked = true;
        this.update(job, { ...base, stage: 'queued', error: { code: 'auth', message: verdict.message } });
        this.logger.warn('uploads held: the server refused the credentials');
        this.emit({ type: 'warning', message: verdict.message });
        break;
      }
      case 'reject':
      case 'fail': {
        const ended = this.update(job, { ...base, stage: verdict.action === 'reject' ? 'rejected' : 'failed', error: { code: verdict.code, message: verdict.message } });
        this.logger.warn(`upload ${ended.stage}`, { job: id, code: verdict.code });
        this.emit({ type: 'done', job: ended });
        this.afterFinish();
        break;
      }
    }
    this.pump();
  }

  private onServerState(state: ServerJobState): void {
    const id = this.localIdByJobId.get(state.jobId);
    const job = id === undefined ? undefined : this.jobs.get(id);
    if (job === undefined || this.closed || !followsServer(job)) return;
    const { patch, finished } = withServerState(job, state);
    const next = this.update(job, patch);
    this.emit({ type: 'phase', job: next });
    if (finished) {
      this.logger.info(`job ${next.stage}`, { job: next.id });
      this.emit({ type: 'done', job: next });
      this.afterFinish();
    }
  }

  private requeue(id: string): void {
    this.abortUpload(id);
    const job = this.jobs.get(id);
    if (job?.stage === 'uploading') this.update(job, { stage: 'queued', upload: null, nextUploadAt: null });
  }

  private abortUpload(id: string): void {
    this.uploads.get(id)?.abort();
    this.uploads.delete(id);
  }

  private afterFinish(): void {
    this.trimHistory();
    this.pump();
  }

  private trimHistory(): void {
    const finished = [...this.jobs.values()].filter((job) => isFinishedStage(job.stage));
    const excess = finished.length - this.historySize;
    if (excess <= 0) return;
    for (const job of finished.slice(0, excess)) this.drop(job); // creation order: oldest first
    this.persister.requestSave();
  }

  private drop(job: QueueJob): void {
    this.jobs.delete(job.id);
    if (job.jobId !== null && this.localIdByJobId.get(job.jobId) === job.id) this.localIdByJobId.delete(job.jobId);
    this.changes.remove(job.id);
  }

  private update(job: QueueJob, changes: Partial<QueueJob>, save = true): QueueJob {
    const next = Object.freeze({ ...job, ...changes, updatedAt: this.clock.now() });
    this.jobs.set(job.id, next);
    if (!this.notDurable.has(job.id)) this.changes.upsert(next);
    if (save) this.persister.requestSave();
    return next;
  }

  private require(id: string): QueueJob {
    const job = typeof id === 'string' ? this.get(id) : undefined;
    if (job === undefined) throw new QueueInputError('not_found', 'No such job in the queue (it may have been removed).');
    return job;
  }

  private emit(event: QueueEvent): void {
    for (const listener of [...this.eventListeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error('queue event listener threw', { error: String(error) });
      }
    }
  }

  private persistedState() {
    return { version: 1 as const, jobs: [...this.jobs.values()], paused: this.isPaused };
  }
}

function totalBytes(job: QueueJob): number {
  return job.files.reduce((sum, file) => sum + file.size, 0);
}

function validCount(value: number, name: string, min = 1): number {
  if (!Number.isInteger(value) || value < min || value > 100_000) {
    throw new QueueInputError('invalid_argument', `${name} must be a whole number of at least ${min} (got ${String(value)}).`);
  }
  return value;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
