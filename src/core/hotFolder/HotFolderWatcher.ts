/**
 * A hot folder: every file that has stopped growing becomes one job in the
 * UploadQueue; when its job ends the file moves to DIR/done/ or DIR/failed/
 * (+ `<file>.error.txt`). Used by `intake watch` and by the desktop app.
 *
 * Nothing is uploaded twice across restarts: the queue's saved jobs say which
 * files were already taken. An unfinished one is claimed again (and moved when
 * it ends); a finished one whose very file is still here (killed between "done"
 * and the move) is only moved.
 */
import { lstat } from 'node:fs/promises';
import type { Disposable } from '../base/lifecycle';
import type { Logger } from '../base/logger';
import { ListenerSet } from '../base/listenerSet';
import { TimerGroup } from '../base/timerGroup';
import type { Clock } from '../clock';
import { isFinishedStage, type JobFile, type QueueJob } from '../../shared/queueJob';
import { identityOf, sameIdentity, type PinnedPath } from '../files/fileIdentity';
import { chartForFile, type ChartPattern } from './chartForFile';
import { describeFolderError } from './folderProblem';
import { moveToDone, moveToFailed } from './handledFileMover';
import { isDropInside } from './hotFolderLayout';
import { HotFolderScanner } from './HotFolderScanner';

/** What the watcher needs from the queue; UploadQueue (the engine's queue) has it. */
export interface HotFolderQueue {
  /**
   * Throws when the job is refused (QueueInputError: the reason goes into the .error.txt).
   * The watcher's files are pinned: the queue must refuse one that is no longer the file found here.
   */
  enqueue(input: { chartNumber: string; files: (string | PinnedPath)[] }): Promise<QueueJob>;
  snapshot(): QueueJob[];
  onEvent(listener: (event: { type: string; job?: QueueJob }) => void): Disposable;
}

export type HotFolderEvent =
  | { type: 'queued'; file: string; id: string }
  /** Not queued: no chart number ('chart') or the queue refused it ('queue'); the file goes to failed/. */
  | { type: 'refused'; file: string; cause: 'chart' | 'queue'; reason: string }
  /** `id` is the queue job the file belonged to, null for a file that never became a job. */
  | { type: 'moved'; file: string; to: 'done' | 'failed'; target: string; id: string | null }
  /** Left in place (and claimed, so it is not retried every check) until the watcher restarts. */
  | { type: 'move_failed'; file: string; to: 'done' | 'failed'; error: NodeJS.ErrnoException }
  /** The folder itself could not be listed; said once per outage. */
  | { type: 'unavailable'; code: string; message: string }
  | { type: 'available' }
  | { type: 'checked' };

export interface HotFolderWatcherOptions {
  /** Absolute path of the folder. */
  root: string;
  pattern: ChartPattern;
  queue: HotFolderQueue;
  clock: Clock;
  intervalMs: number;
  logger: Logger;
}

/** The listeners of a hot folder's events: one that throws is logged by the kind of error only, the others still hear. */
export function hotFolderEventListeners(logger: Logger): ListenerSet<HotFolderEvent> {
  return new ListenerSet((error) => logger.error('A hot-folder listener failed', { error: (error as Error)?.name }));
}

export class HotFolderWatcher {
  private readonly scanner: HotFolderScanner;
  private readonly events: ListenerSet<HotFolderEvent>;
  /** queue job id → its files inside this folder */
  private readonly filesOfJob = new Map<string, string[]>();
  private readonly pending = new Set<Promise<void>>();
  private offQueue: Disposable | null = null;
  private readonly timers: TimerGroup;
  private starting: Promise<void> | null = null;
  private checking: Promise<void> | null = null;
  private outage: string | null = null;
  private state: 'new' | 'running' | 'stopped' = 'new';
  readonly moved = { done: 0, failed: 0 };

  constructor(private readonly o: HotFolderWatcherOptions) {
    this.scanner = new HotFolderScanner(o.root);
    this.timers = new TimerGroup(o.clock);
    this.events = hotFolderEventListeners(o.logger);
  }

  onEvent(listener: (event: HotFolderEvent) => void): Disposable {
    return this.events.add(listener);
  }

  /** Restores the claims of earlier runs, then checks at once and every intervalMs after each check. */
  start(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'running';
      this.starting = this.restore();
    }
    return this.starting ?? Promise.resolve();
  }

  private async restore(): Promise<void> {
    // Listen before reading the snapshot: a job ending in between would otherwise never be moved.
    this.offQueue = this.o.queue.onEvent((event) => this.onQueueEvent(event));
    const leftovers: QueueJob[] = [];
    for (const job of this.o.queue.snapshot()) {
      if (!isFinishedStage(job.stage)) this.adopt(job);
      else leftovers.push(job);
    }
    for (const job of leftovers) await this.moveLeftovers(job);
    if (this.state === 'running') this.schedule(0);
  }

  /** Stops checking and waits for the check and the moves under way; jobs still open are claimed again by the next start(). */
  async dispose(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.timers.dispose();
    this.offQueue?.dispose();
    this.offQueue = null;
    await this.starting;
    await this.checking;
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private schedule(ms: number): void {
    this.timers.set('check', ms, () => {
      this.checking = this.check().finally(() => {
        this.checking = null;
        if (this.state === 'running') this.schedule(this.o.intervalMs);
        this.events.emit({ type: 'checked' });
      });
    });
  }

  private async check(): Promise<void> {
    try {
      const ready = await this.scanner.scan();
      this.noteAvailability();
      for (const file of ready) {
        // Stopped mid-way (the app quits, the setting changed): the rest stay for the next start.
        if (this.state !== 'running') {
          this.scanner.release(file);
          continue;
        }
        await this.handle(file);
      }
    } catch (error) {
      this.o.logger.error('A hot-folder check failed', { error: (error as Error)?.name });
    }
  }

  private noteAvailability(): void {
    const error = this.scanner.unavailable;
    const code = error === null ? null : (error.code ?? error.name);
    if (code === this.outage) return;
    this.outage = code;
    if (error === null) this.events.emit({ type: 'available' });
    else this.events.emit({ type: 'unavailable', code: code ?? 'unknown', message: describeFolderError(error) });
  }

  private async handle(file: string): Promise<void> {
    const chart = chartForFile(this.o.root, file, this.o.pattern);
    if (!chart.ok) {
      this.events.emit({ type: 'refused', file, cause: 'chart', reason: chart.reason });
      await this.move([file], false, chart.reason, null);
      return;
    }
    const identity = this.scanner.identity(file);
    let job: QueueJob;
    try {
      job = await this.o.queue.enqueue({ chartNumber: chart.chartNumber, files: [identity === undefined ? file : { path: file, identity }] });
    } catch (error) {
      // A queue shutting down refuses everything: that says nothing about the file, so it stays.
      if ((error as { code?: unknown }).code === 'closed') {
        this.scanner.release(file);
        return;
      }
      const reason = refusalReason(error);
      this.events.emit({ type: 'refused', file, cause: 'queue', reason });
      await this.move([file], false, reason, null);
      return;
    }
    this.adopt(job);
    this.events.emit({ type: 'queued', file, id: job.id });
  }

  private onQueueEvent(event: { type: string; job?: QueueJob }): void {
    const { job } = event;
    if (job === undefined) return;
    // 'queued' arrives before enqueue() returns, and also for files of this folder added by hand
    // (dragged into the window): either way the file is ours from now on, never picked up twice.
    if (event.type === 'queued') this.adopt(job);
    else if (event.type === 'done' && this.filesOfJob.has(job.id)) this.track(this.settle(job));
  }

  private adopt(job: QueueJob): void {
    const files = job.files.map((f) => f.path).filter((file) => isDropInside(this.o.root, file));
    if (files.length === 0) return;
    for (const file of files) this.scanner.claim(file);
    this.filesOfJob.set(job.id, files);
  }

  private async settle(job: QueueJob): Promise<void> {
    const files = this.filesOfJob.get(job.id) ?? [];
    this.filesOfJob.delete(job.id);
    const message = job.error?.message ?? job.server?.message ?? '';
    await this.move(files, job.stage === 'completed', message !== '' ? message : `The job ended ${job.stage}.`, job.id);
  }

  /** A finished job of an earlier run whose files were never moved. */
  private async moveLeftovers(job: QueueJob): Promise<void> {
    const left: string[] = [];
    for (const file of job.files) {
      if (isDropInside(this.o.root, file.path) && (await isLeftoverOf(file, job.createdAt))) left.push(file.path);
    }
    if (left.length === 0) return;
    const reason = job.error?.message ?? job.server?.message ?? `The job ended ${job.stage}.`;
    await this.move(left, job.stage === 'completed', reason, job.id);
  }

  private async move(files: string[], ok: boolean, reason: string, id: string | null): Promise<void> {
    const to = ok ? 'done' : 'failed';
    for (const file of files) {
      try {
        const target = ok ? await moveToDone(this.o.root, file) : await moveToFailed(this.o.root, file, reason);
        this.moved[to] += 1;
        this.scanner.release(file);
        this.events.emit({ type: 'moved', file, to, target, id });
      } catch (error) {
        const failure = error as NodeJS.ErrnoException;
        // Gone already (removed by hand): nothing to claim. Otherwise it stays claimed, since
        // retrying a move every few seconds would flood the user with the same problem.
        if (failure.code === 'ENOENT') this.scanner.release(file);
        this.events.emit({ type: 'move_failed', file, to, error: failure });
      }
    }
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}

/** The queue's refusal in the words written beside the file: its first line, then one line per refused file. */
function refusalReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const rejected = (error as { rejected?: unknown }).rejected;
  if (!Array.isArray(rejected) || rejected.length === 0) return message;
  const lines = (rejected as Array<{ name: string; reason: string }>).map((file) => `${file.name}: ${file.reason}`);
  // The queue's message lists the files again after its first line; the lines carry them once.
  return [(message.split('\n')[0] ?? message).replace(/:$/, '.'), ...lines].join('\n');
}

/**
 * The very file a finished job sent, left behind by a kill between "done" and the move?
 * A NEW file dropped later under the same name was written after that job was made, so
 * its mtime is newer: it is uploaded, never silently moved as if it had been sent.
 */
async function isLeftoverOf(file: JobFile, jobCreatedAt: number): Promise<boolean> {
  const info = await lstat(file.path).catch(() => null);
  if (info === null || !info.isFile() || (file.identity !== undefined && !sameIdentity(identityOf(info), file.identity))) return false;
  return info.size === file.size && info.mtimeMs <= jobCreatedAt;
}
