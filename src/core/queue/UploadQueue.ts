/**
 * The upload queue: jobs go in (validated, written to disk first), are
 * uploaded a few at a time, handed to the tracker, and followed to their end.
 * Front ends (CLI, Electron main, test bridge) see it only through this API
 * and its change stream. Contract: notes/queue-api.md.
 */
import type { Disposable } from '../base/lifecycle';
import type { FileInspection } from '../../shared/ipc';
import { canonicalServerUrl } from '../../shared/serverUrl';
import { randomUUID } from 'node:crypto';
import { chartNumberProblem } from '../../shared/chartNumber';
import { REFILE_REFUSAL, canCancel, refileKind } from '../../shared/jobRules';
import { isFinishedStage, type QueueChange, type QueueJob } from '../../shared/queueJob';
import type { Clock } from '../clock';
import type { Logger } from '../base/logger';
import { ListenerSet } from '../base/listenerSet';
import { inspectFiles } from '../files/fileInspector';
import type { UploadVerdict } from '../upload/uploadRunner';
import { ContentHashes, findSeenBefore } from './alreadySent';
import { ChangeStream } from './changeStream';
import { planRetry, withUploadVerdict } from './jobTransitions';
import { JobBook } from './jobBook';
import { JobIntake } from './jobIntake';
import { admitJobs, type AdmissionDeps } from './jobAdmission';
import type { JobInput } from './jobInput';
import { fetchJobResults } from './jobResults';
import { checkedCount, resolveQueueSettings, type QueueSettings } from './queueSettings';
import { QueuePersister } from './queuePersister';
import { ServerCancel } from './serverCancel';
import { ServerFollowing } from './serverFollowing';
import { UploadSlots } from './uploadSlots';
import { QueueInputError, type EnqueueResult, type QueueEvent, type ServerTarget, type UploadQueueOptions } from './types';

export * from './types';

export class UploadQueue {
  private readonly book: JobBook;
  private readonly slots: UploadSlots;
  private readonly following: ServerFollowing;
  private readonly serverCancel: ServerCancel;
  private readonly hashes = new ContentHashes();
  private readonly eventListeners: ListenerSet<QueueEvent>;
  private readonly changes: ChangeStream;
  private readonly persister: QueuePersister;
  private readonly admission: AdmissionDeps;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly settings: QueueSettings;
  private readonly stopTracking: Disposable;
  private server: ServerTarget;
  /** Which backend `server` is (ServerTarget.identity, else its canonical URL); set with it, read per job. */
  private serverIdentity: string;
  private concurrency: number;
  private historySize: number;
  private isPaused = false;
  /** The server refused our credentials: no upload starts until setServer brings new ones. */
  private authBlocked = false;
  private started = false;
  private closed = false;
  private starting: Promise<void> | null = null;
  private pauseWish: boolean | null = null;

  constructor(private readonly options: UploadQueueOptions) {
    this.settings = resolveQueueSettings(options);
    this.clock = this.settings.clock;
    this.logger = this.settings.logger;
    this.server = { ...options.server };
    this.serverIdentity = identityOf(this.server);
    this.concurrency = this.settings.concurrency;
    this.historySize = this.settings.historySize;
    this.changes = new ChangeStream(this.logger);
    this.eventListeners = new ListenerSet((error) => this.logger.error('queue event listener threw', { error: String(error) }));
    this.persister = new QueuePersister(options.store, this.clock, this.settings.saveDebounceMs, () => this.persistedState(), (error) => {
      this.logger.error('saving the queue failed', { error: String(error) });
      this.emit({ type: 'warning', message: `The queue could not be saved to disk: ${String(error)}` });
    });
    this.book = new JobBook(this.changes, this.clock, () => this.persister.requestSave());
    this.admission = {
      intake: new JobIntake({ clock: this.clock, save: () => this.persister.saveNow(), booked: () => this.book.size }),
      book: this.book,
      limits: this.settings.limits,
      loaded: () => this.start(),
      now: () => this.clock.now(),
      isClosed: () => this.closed,
      hashOf: (file) => this.hashes.hashOf(file),
    };
    this.slots = new UploadSlots({
      book: this.book,
      clock: this.clock,
      logger: this.logger,
      random: this.settings.random,
      retry: this.settings.retry,
      stallMs: this.settings.stallMs,
      progressIntervalMs: this.settings.progressIntervalMs,
      target: () => this.server,
      onVerdict: (job, verdict) => this.onVerdict(job, verdict),
    });
    this.following = new ServerFollowing({
      book: this.book,
      tracker: options.tracker,
      logger: this.logger,
      emit: (event) => this.emit(event),
      identity: () => this.serverIdentity,
      ended: () => this.afterFinish(),
    });
    this.serverCancel = new ServerCancel({
      book: this.book,
      server: () => this.server,
      emit: (event) => this.emit(event),
      endLocally: (job, error) => this.endCancelled(job, error),
    });
    this.stopTracking = options.tracker.onJob((state) => !this.closed && this.following.apply(state));
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

  async inspect(paths: string[]): Promise<FileInspection> {
    if (!Array.isArray(paths) || !paths.every((path) => typeof path === 'string' && path.length > 0)) {
      throw new QueueInputError('invalid_argument', 'Files must be given as a list of non-empty paths.');
    }
    const inspection = await inspectFiles(paths, this.settings.limits);
    // "Already sent?": each accepted file hashed (streamed) and compared with the queue and its history.
    const hashed = await this.hashes.hashAll(inspection.accepted);
    return { ...inspection, seenBefore: findSeenBefore(hashed, this.book.all()) };
  }

  /** Refuses (QueueInputError, nothing changed) a bad chart number or any bad file; else the job is on disk before it returns. */
  async enqueue(input: JobInput): Promise<QueueJob> {
    const [result] = await this.enqueueMany([input]);
    if (result === undefined || !result.ok) throw result?.error ?? new QueueInputError('invalid_argument', 'No job was given.');
    return result.job;
  }

  /**
   * Many jobs at once (a jobs file, a big drop). Each input is judged like enqueue() and refused alone, with the
   * same QueueInputError; the accepted ones are made durable by one shared write before any of them can upload.
   * One result per input, in input order.
   */
  async enqueueMany(inputs: readonly JobInput[]): Promise<EnqueueResult[]> {
    if (!Array.isArray(inputs)) throw new QueueInputError('invalid_argument', 'Jobs must be given as a list.');
    if (this.closed) throw new QueueInputError('closed', 'The queue is shut down.');
    const results = await admitJobs(inputs, this.admission);
    const published = results.map((result) => (result.ok ? { ok: true as const, job: this.publish(result.job) } : result));
    this.pump();
    return published;
  }

  /**
   * A job the server in use holds is cancelled there (PROTOCOL.md §4): it shows "Cancelling…" until
   * the server's final `cancelled` (the returned promise settles once the server answered the
   * request). Any other job just ends here.
   */
  cancel(id: string): Promise<void> {
    const job = this.require(id);
    if (!canCancel(job)) {
      throw new QueueInputError('invalid_state', job.cancelRequested === true ? 'This job is already being cancelled.' : `This job has already ended (${job.stage}).`);
    }
    if (job.stage === 'tracking' && job.jobId !== null && this.following.acceptedHere(job)) return this.serverCancel.ask(job);
    this.endCancelled(job, null);
    return Promise.resolve();
  }

  /**
   * Re-files a job under another chart number (jobRules.refileKind). Not yet accepted: the job
   * changes its chart and is sent afresh under a new key (the old key could return a server job
   * filed under the old chart). Held by the server: its files are queued as a new job under the
   * new chart first (so nothing is cancelled when they can no longer be sent), then it is cancelled.
   */
  async refile(id: string, chartNumber: string): Promise<QueueJob> {
    const job = this.require(id);
    const problem = chartNumberProblem(chartNumber);
    if (problem !== null) throw new QueueInputError('invalid_chart_number', problem);
    const kind = refileKind(job);
    if (kind === null) throw new QueueInputError('invalid_state', REFILE_REFUSAL);
    if (kind === 'rename') {
      this.abortUpload(id);
      const renamed = this.update(job, { ...freshUpload(), chartNumber, idempotencyKey: randomUUID() });
      this.pump();
      return renamed;
    }
    const resent = await this.enqueue({ chartNumber, files: job.files.map((file) => file.path) });
    const still = this.get(id);
    if (still !== undefined && canCancel(still)) await this.cancel(id);
    return resent;
  }

  retry(id: string): void {
    const job = this.require(id);
    const plan = planRetry(job, this.following.acceptedHere(job));
    if (plan === null) throw new QueueInputError('invalid_state', `Only a failed, rejected or cancelled job can be retried (this one is ${job.stage}).`);
    if (plan.kind === 'retrack') {
      this.following.follow(this.update(job, plan.patch), job.server ?? undefined);
      return;
    }
    const queued = this.update(job, plan.patch);
    this.emit({ type: 'queued', job: queued });
    this.pump();
  }

  remove(id: string): void {
    const job = this.require(id);
    this.abortUpload(id);
    this.following.unfollow(job);
    this.book.drop(job);
    this.pump();
  }

  clearFinished(): number {
    const finished = this.book.durable().filter((job) => isFinishedStage(job.stage));
    for (const job of finished) this.book.drop(job);
    return finished.length;
  }

  pauseAll(): void {
    if (!this.started) this.pauseWish = true;
    if (this.isPaused) return;
    this.isPaused = true;
    // Running transfers stop now and restart, with the same key, on resume.
    for (const id of this.slots.ids()) this.requeue(id);
    this.persister.requestSave();
  }

  resumeAll(): void {
    if (!this.started) this.pauseWish = false;
    if (!this.isPaused) return;
    this.isPaused = false;
    this.persister.requestSave();
    this.pump();
  }

  setConcurrency(n: number): void {
    this.concurrency = checkedCount(n, 'concurrency');
    this.pump(); // more slots start waiting jobs; fewer let running ones finish
  }

  setHistorySize(n: number): void {
    this.historySize = checkedCount(n, 'historySize', 0);
    this.trimHistory();
  }

  setServer(server: ServerTarget): void {
    if (typeof server?.baseUrl !== 'string' || !URL.canParse(server.baseUrl)) {
      throw new QueueInputError('invalid_argument', 'Server URL is not a valid URL.');
    }
    const previousIdentity = this.serverIdentity;
    const tokenChanged = (server.token ?? null) !== (this.server.token ?? null);
    // Another dialect is another upload route and form: an upload in flight starts again on the new one.
    const urlChanged = server.baseUrl !== this.server.baseUrl || server.dialect !== this.server.dialect;
    this.server = {
      baseUrl: server.baseUrl,
      token: server.token ?? null,
      ...(server.identity !== undefined && { identity: server.identity }),
      ...(server.network !== undefined && { network: server.network }),
      ...(server.dialect !== undefined && { dialect: server.dialect }),
    };
    this.serverIdentity = identityOf(this.server);
    if (this.serverIdentity !== previousIdentity) this.following.leaveOtherServersJobs(previousIdentity);
    if (!urlChanged && !tokenChanged) return;
    if (urlChanged) for (const id of this.slots.ids()) this.requeue(id);
    if (this.authBlocked) {
      this.authBlocked = false;
      for (const job of this.book.durable()) if (job.stage === 'queued' && job.error?.code === 'auth') this.update(job, { error: null });
    }
    this.pump();
  }

  snapshot(): QueueJob[] {
    return this.book.durable().reverse();
  }

  get(id: string): QueueJob | undefined {
    return this.book.get(id);
  }

  onChange(listener: (changes: QueueChange[]) => void): Disposable {
    return this.changes.subscribe(listener);
  }

  onEvent(listener: (event: QueueEvent) => void): Disposable {
    return this.eventListeners.add(listener);
  }

  /** The §2 `results` of a completed job, as the server computed them. */
  getResults(id: string): Promise<unknown> {
    return fetchJobResults(this.server, this.require(id));
  }

  /** Saves the queue and stops; running uploads are left for the next start() (same keys). */
  async dispose(): Promise<void> {
    if (this.closed) return;
    await this.starting?.catch(() => undefined);
    this.closed = true;
    // Aborted transfers keep stage 'uploading' on disk: the next start() sends them again with their keys.
    this.slots.abortAll();
    this.stopTracking.dispose();
    this.admission.intake.flush(); // jobs already accepted but still waiting for their group's write
    // A failing disk was already reported as a warning; closing must still finish.
    await this.persister.flush().catch(() => undefined);
    this.persister.dispose();
    await this.options.store.close?.().catch(() => undefined);
  }

  // ---- internals -----------------------------------------------------------

  private async load(): Promise<void> {
    const saved = await this.options.store.load();
    for (const message of this.options.store.drainWarnings?.() ?? []) this.emit({ type: 'warning', message });
    // pauseAll/resumeAll called before start() is the newer wish: it beats the saved flag.
    this.isPaused = this.pauseWish ?? saved?.paused ?? false;
    for (const stored of saved?.jobs ?? []) {
      // An upload cut short by the last exit starts over, with the same key.
      const job = this.book.restore(stored.stage === 'uploading' ? { ...stored, stage: 'queued', upload: null, nextUploadAt: null } : stored);
      if (job.stage === 'tracking' && this.following.acceptedHere(job)) this.following.follow(job, job.server ?? undefined);
    }
    // Jobs saved while another server was in use (e.g. the CLI resumed with another --server).
    this.following.leaveOtherServersJobs(this.serverIdentity);
    this.started = true;
    this.logger.info('queue loaded', { jobs: this.book.size, paused: this.isPaused });
    this.trimHistory();
    this.pump();
  }

  private publish(pending: QueueJob): QueueJob {
    const job = this.book.publish(pending.id) ?? pending;
    this.emit({ type: 'queued', job });
    this.logger.info('job queued', { job: job.id, files: job.files.length, bytes: totalBytes(job) });
    return job;
  }

  private pump(): void {
    if (!this.started || this.closed || this.isPaused || this.authBlocked) return;
    // Lazily: with the slots full this stops at the first job, so a burst of enqueues costs O(1) each, not O(queue).
    for (const job of this.book.durableJobs()) {
      if (this.slots.count >= this.concurrency) return;
      if (job.stage === 'queued' && !this.slots.has(job.id)) this.slots.start(job);
    }
  }

  private onVerdict(job: QueueJob, verdict: UploadVerdict): void {
    if (this.closed || verdict.action === 'aborted') return this.pump();
    const { patch, outcome } = withUploadVerdict(verdict, this.serverIdentity);
    const next = this.update(job, patch);
    if (outcome === 'uploaded' && next.jobId !== null) {
      this.logger.info('upload accepted', { job: job.id, attempts: job.uploadAttempts });
      this.following.follow(next, undefined);
      this.emit({ type: 'uploaded', job: next });
    } else if (outcome === 'auth') {
      this.authBlocked = true;
      this.logger.warn('uploads held: the server refused the credentials');
      this.emit({ type: 'warning', message: next.error?.message ?? 'The server refused the credentials.' });
    } else {
      this.logger.warn(`upload ${next.stage}`, { job: job.id, code: next.error?.code });
      this.emit({ type: 'done', job: next });
      this.trimHistory();
    }
    this.pump();
  }

  private requeue(id: string): void {
    this.abortUpload(id);
    const job = this.book.get(id);
    if (job?.stage !== 'uploading') return;
    // A try stopped by the user (pause, server switch) did not fail: it must not use up the retry budget.
    const uploadAttempts = job.nextUploadAt === null ? Math.max(0, job.uploadAttempts - 1) : job.uploadAttempts;
    this.update(job, { stage: 'queued', upload: null, nextUploadAt: null, uploadAttempts });
  }

  private endCancelled(job: QueueJob, error: QueueJob['error']): void {
    this.abortUpload(job.id);
    this.following.unfollow(job);
    const cancelled = this.update(job, { stage: 'cancelled', upload: null, nextUploadAt: null, cancelRequested: false, error });
    this.emit({ type: 'done', job: cancelled });
    this.afterFinish();
  }

  private abortUpload(id: string): void {
    this.slots.abort(id);
  }

  private afterFinish(): void {
    this.trimHistory();
    this.pump();
  }

  private trimHistory(): void {
    this.book.trimFinished(this.historySize);
  }

  private update(job: QueueJob, changes: Partial<QueueJob>, save = true): QueueJob {
    return this.book.update(job, changes, save);
  }

  private require(id: string): QueueJob {
    const job = typeof id === 'string' ? this.get(id) : undefined;
    if (job === undefined) throw new QueueInputError('not_found', 'No such job in the queue (it may have been removed).');
    return job;
  }

  private emit(event: QueueEvent): void {
    this.eventListeners.emit(event);
  }

  private persistedState() {
    return { state: { version: 1 as const, jobs: this.book.all(), paused: this.isPaused }, changes: this.book.takeChanges() };
  }
}

/** The server's name for the jobs it accepts: its identity, else its URL however written (case, default port, trailing slash). */
function identityOf(server: ServerTarget): string {
  return server.identity ?? canonicalServerUrl(server.baseUrl);
}

/** A job back in line as if never tried. */
function freshUpload(): Partial<QueueJob> {
  return { stage: 'queued', upload: null, uploadAttempts: 0, nextUploadAt: null, error: null };
}

function totalBytes(job: QueueJob): number {
  return job.files.reduce((sum, file) => sum + file.size, 0);
}
