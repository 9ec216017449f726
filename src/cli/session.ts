/**
 * One CLI run on top of the engine (the file-backed queue store, one socket
 * for every job), with the queue's events turned into Reporter calls and job
 * results collected.
 */
import { DisposableStore, toDisposable, type Disposable } from '../core/base/lifecycle';
import { IntakeEngine } from '../core/engine/IntakeEngine';
import type { EngineQueue } from '../core/engine/ports';
import type { Network } from '../core/network/network';
import { createStateDirQueueStore } from '../core/persistence/fileQueueStore';
import { QueueInputError, type EnqueueResult, type QueueEvent } from '../core/queue/UploadQueue';
import type { JobInput } from '../core/queue/jobInput';
import type { Logger } from '../core/base/logger';
import type { BatchProgress } from '../shared/batchProgress';
import type { ConnectionState } from '../shared/connectionState';
import type { Dialect } from '../shared/dialect';
import { isFinishedStage, type QueueJob } from '../shared/queueJob';
import type { JobResult, Outcome, Reporter } from './output/reporter';

export interface SessionOptions {
  server: string;
  /** WebSocket URL override; null or absent = derived from server. */
  wsUrl?: string | null;
  /** The contract spoken (default intake). */
  dialect?: Dialect;
  token: string | null;
  stateDir: string;
  reporter: Reporter;
  logger: Logger;
  concurrency?: number | null;
  /** Proxy and trust (default: direct, Node's bundled roots). */
  network?: Network;
  /** upload/resume count refused jobs in their results (default); a watcher moves them to failed/ and forgets them. */
  keepRefused?: boolean;
}

/**
 * When every job of a batch has ended, the server's own last word on the batch (its final progress) may still be
 * on its way: waited for this long at most, so that a run reports the batch to its end.
 */
const BATCH_END_GRACE_MS = 2000;

/** Why waiting for jobs ended early. */
export type StopReason = 'interrupted' | 'auth_failed';

export class CliSession {
  private readonly results = new Map<string, JobResult>();
  private readonly refused: JobResult[] = [];
  private readonly doneListeners = new Set<(result: JobResult) => void>();
  private readonly authFailedListeners = new Set<() => void>();
  /** The server's last progress of each batch it reported on. */
  private readonly batches = new Map<string, BatchProgress>();
  private readonly batchListeners = new Set<() => void>();
  private readonly subscriptions = new DisposableStore();
  /** job id → the upload attempt whose failure was last reported */
  private readonly retryReported = new Map<string, number>();
  private authFailed = false;
  private closed = false;

  private constructor(
    private readonly engine: IntakeEngine,
    private readonly reporter: Reporter,
    private readonly keepRefused: boolean,
  ) {}

  static async open(options: SessionOptions): Promise<CliSession> {
    const engine = await IntakeEngine.open({
      choice: { serverUrl: options.server, webSocketUrl: options.wsUrl ?? null, token: options.token, ...(options.dialect && { dialect: options.dialect }) },
      store: createStateDirQueueStore(options.stateDir),
      ...(options.network && { network: options.network }),
      logger: options.logger,
      ...(options.concurrency != null && { queue: { concurrency: options.concurrency } }),
    });
    const session = new CliSession(engine, options.reporter, options.keepRefused ?? true);
    // Listen before start(): start() itself reports (a corrupt state file, restored jobs finishing).
    const { subscriptions } = session;
    subscriptions.add(engine.queue.onEvent((event) => session.onQueueEvent(event)));
    subscriptions.add(
      engine.queue.onChange((changes) => {
        for (const change of changes) if (change.type === 'upsert') session.onJobChange(change.job);
      }),
    );
    subscriptions.add(engine.connection.onState((state) => session.onConnection(state)));
    const onBatch = engine.connection.onBatch?.bind(engine.connection);
    if (onBatch) subscriptions.add(onBatch((batch) => session.onBatch(batch)));
    await engine.start();
    return session;
  }

  get queue(): EngineQueue {
    return this.engine.queue;
  }

  /** Enqueues one job; a job the queue refuses (bad chart, bad files) is recorded as rejected with every reason. */
  async enqueue(chartNumber: string, files: JobInput['files']): Promise<{ job: QueueJob } | { refused: JobResult }> {
    try {
      return { job: await this.queue.enqueue({ chartNumber, files }) };
    } catch (error) {
      const refused = refusal(chartNumber, error);
      if (this.keepRefused) this.refused.push(refused);
      this.reporter.done(refused);
      for (const listener of this.doneListeners) listener(refused);
      return { refused };
    }
  }

  /** Like enqueue() for many jobs (a jobs file), with one durable write for all the accepted ones; results in spec order. */
  async enqueueMany(specs: readonly { chartNumber: string; files: string[] }[]): Promise<Array<{ job: QueueJob } | { refused: JobResult }>> {
    let results: EnqueueResult[];
    try {
      results = await this.queue.enqueueMany(specs.map(({ chartNumber, files }) => ({ chartNumber, files })));
    } catch (error) {
      // The whole batch was refused (the queue is shut down): every job says so.
      results = specs.map(() => ({ ok: false, error: error instanceof QueueInputError ? error : new QueueInputError('storage', String(error)) }));
    }
    return results.map((result, index) => {
      if (result.ok) return { job: result.job };
      const refused = refusal(specs[index]?.chartNumber ?? '', result.error);
      if (this.keepRefused) this.refused.push(refused);
      this.reporter.done(refused);
      for (const listener of this.doneListeners) listener(refused);
      return { refused };
    });
  }

  /** Jobs a previous run left unfinished (start() has already restarted them). */
  unfinishedJobIds(): string[] {
    return this.queue
      .snapshot()
      .filter((job) => !isFinishedStage(job.stage))
      .map((job) => job.id);
  }

  onDone(listener: (result: JobResult) => void): Disposable {
    this.doneListeners.add(listener);
    return toDisposable(() => this.doneListeners.delete(listener));
  }

  /** Resolves when every id has a result, or early when interrupted or the server refuses our token. */
  waitFor(ids: readonly string[], interrupt: AbortSignal): Promise<'done' | StopReason> {
    return new Promise((resolve) => {
      const subscriptions = new DisposableStore();
      let grace: ReturnType<typeof setTimeout> | undefined;
      let graceOver = false;
      const check = (): void => {
        if (subscriptions.isDisposed) return;
        const outcome = this.authFailed ? 'auth_failed' : interrupt.aborted ? 'interrupted' : ids.every((id) => this.results.has(id)) ? 'done' : null;
        if (outcome === null) return;
        if (outcome === 'done' && !graceOver && this.batchStillOpen(ids)) {
          grace ??= setTimeout(() => ((graceOver = true), check()), BATCH_END_GRACE_MS);
          return;
        }
        clearTimeout(grace);
        subscriptions.dispose();
        interrupt.removeEventListener('abort', check);
        resolve(outcome);
      };
      subscriptions.add(this.onDone(check));
      this.batchListeners.add(check);
      subscriptions.add(toDisposable(() => this.batchListeners.delete(check)));
      subscriptions.add(this.onAuthFailed(check)); // may call check at once
      interrupt.addEventListener('abort', check);
      check();
    });
  }

  /** Called when the server refuses our token (at once if it already has): a CLI run cannot fix that. */
  onAuthFailed(listener: () => void): Disposable {
    if (this.authFailed) listener();
    this.authFailedListeners.add(listener);
    return toDisposable(() => this.authFailedListeners.delete(listener));
  }

  /** Drops a finished job's result (long-running watch); refused results are not kept for watch either. */
  forget(id: string): void {
    this.results.delete(id);
    this.retryReported.delete(id);
  }

  resultsFor(ids: readonly string[]): JobResult[] {
    return [...this.refused, ...ids.flatMap((id) => this.results.get(id) ?? [])];
  }

  /** Saves the queue (running uploads are left for the next start) and closes the socket. */
  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.engine.dispose();
    this.subscriptions.dispose();
  }

  private onBatch(batch: BatchProgress): void {
    this.batches.set(batch.batchId, batch);
    this.reporter.batch(batch);
    for (const listener of [...this.batchListeners]) listener();
  }

  /** Whether a batch of these jobs was reported on by the server and not yet as whole. */
  private batchStillOpen(ids: readonly string[]): boolean {
    return ids.some((id) => {
      const batchId = this.queue.get(id)?.batchId;
      const last = batchId === undefined ? undefined : this.batches.get(batchId);
      return last !== undefined && !(last.total !== null && last.completed !== null && last.completed >= last.total);
    });
  }

  private onQueueEvent(event: QueueEvent): void {
    switch (event.type) {
      case 'queued':
        this.reporter.queued(event.job);
        break;
      case 'uploaded':
        this.reporter.uploaded(event.job);
        break;
      case 'phase':
        this.reporter.phase(event.job);
        break;
      case 'done':
        this.finished(event.job);
        break;
      case 'warning':
        this.reporter.warning(event.message);
        break;
    }
  }

  private onJobChange(job: QueueJob): void {
    if (job.stage === 'uploading' && job.upload !== null) this.reporter.progress(job);
    if (job.stage === 'uploading' && job.nextUploadAt !== null && this.retryReported.get(job.id) !== job.uploadAttempts) {
      this.retryReported.set(job.id, job.uploadAttempts);
      this.reporter.retrying(job);
    }
    // The queue keeps a job whose upload the server refused for our token waiting; a CLI run cannot fix that.
    if (job.stage === 'queued' && job.error?.code === 'auth') this.markAuthFailed();
  }

  private onConnection(state: ConnectionState): void {
    // Our own close() stops the connection; that is not news for the user.
    if (this.closed) return;
    this.reporter.connection(state);
    if (state.state === 'auth_failed') this.markAuthFailed();
  }

  private markAuthFailed(): void {
    if (this.authFailed) return;
    this.authFailed = true;
    for (const listener of [...this.authFailedListeners]) listener();
  }

  private finished(job: QueueJob): void {
    if (this.results.has(job.id) || !isFinishedStage(job.stage)) return;
    const result: JobResult = {
      id: job.id,
      chartNumber: job.chartNumber,
      jobId: job.jobId,
      outcome: job.stage as Outcome,
      message: job.error?.message ?? job.server?.message ?? '',
      reasons: [],
    };
    this.results.set(job.id, result);
    this.reporter.done(result);
    for (const listener of [...this.doneListeners]) listener(result);
  }
}

function refusal(chartNumber: string, error: unknown): JobResult {
  if (error instanceof QueueInputError) {
    const reasons = (error.rejected ?? []).map((file) => `${file.name}: ${file.reason}`);
    // The queue's message lists the files again after its first line; the reasons carry them once.
    const message = reasons.length > 0 ? (error.message.split('\n')[0] ?? error.message).replace(/:$/, '.') : error.message;
    return { id: null, chartNumber, jobId: null, outcome: 'rejected', message, reasons };
  }
  return { id: null, chartNumber, jobId: null, outcome: 'rejected', message: `Could not queue the job: ${(error as Error).message}`, reasons: [] };
}
