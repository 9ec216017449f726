/**
 * `intake watch DIR`: a hot folder for scan stations. Each file that has
 * stopped growing becomes one job; when the job ends the file moves to
 * DIR/done/ or DIR/failed/ (+ `<file>.error.txt`). Runs until SIGINT.
 *
 * With --state-dir, a restarted watcher knows which files it already queued
 * (they are in the saved queue), so no file is uploaded twice.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from '../args';
import type { CliIo } from '../cliIo';
import { cliLogger } from '../cliLogger';
import { EXIT_INTERRUPTED, EXIT_JOB_FAILED, EXIT_USAGE } from '../exitCodes';
import { moveToDone, moveToFailed } from '../fileMover';
import { chartForFile } from '../folderChart';
import { DONE_FOLDER, FAILED_FOLDER, HotFolderScanner } from '../hotFolder';
import type { JobResult, Reporter } from '../output/reporter';
import { reporterFor } from '../output/reporterFor';
import { CliSession } from '../session';
import { openStateDir, removeStateDir, writeCliState } from '../stateDir';
import { isFinishedStage } from '../../shared/queueJob';

export async function watchCommand(command: Extract<Command, { kind: 'watch' }>, io: CliIo): Promise<number> {
  const root = path.resolve(command.folder);
  const isFolder = await stat(root).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    io.err.write(`intake: the folder to watch, ${command.folder}, does not exist or is not a folder.\n`);
    return EXIT_USAGE;
  }
  const reporter = reporterFor(command.json, io);
  const stateDir = await openStateDir(command.stateDir);
  await writeCliState(stateDir.path, { version: 1, server: command.server });
  const session = await CliSession.open({
    server: command.server,
    token: command.token,
    stateDir: stateDir.path,
    reporter,
    logger: cliLogger(io.err, io.env.INTAKE_DEBUG !== undefined),
    concurrency: command.concurrency,
    keepRefused: false,
  });
  const watcher = new FolderWatcher(root, command.chartFrom === null ? null : new RegExp(command.chartFrom), session, reporter);
  await watcher.restore();
  reporter.info(`Watching ${root} (checking every ${command.intervalMs} ms); Ctrl-C to stop.`);

  let authFailed = false;
  const stopped = new AbortController();
  const onInterrupt = () => stopped.abort();
  io.interrupt.addEventListener('abort', onInterrupt);
  const offStop = session.onStop(() => {
    authFailed = true;
    stopped.abort();
  });
  while (!stopped.signal.aborted) {
    await watcher.checkOnce();
    await sleep(io, command.intervalMs, stopped.signal);
  }
  offStop();
  io.interrupt.removeEventListener('abort', onInterrupt);
  await watcher.idle();
  await session.close();
  reporter.close([]);
  reporter.info(`Stopped watching: ${watcher.moved.done} file(s) moved to ${DONE_FOLDER}/, ${watcher.moved.failed} to ${FAILED_FOLDER}/.`);
  if (authFailed) {
    io.err.write('intake: the server refused the token (check --token or INTAKE_TOKEN); queued files stay where they are.\n');
    return EXIT_JOB_FAILED;
  }
  if (session.unfinishedJobIds().length === 0) await removeStateDir(stateDir);
  else if (stateDir.temporary) io.err.write(`intake: unfinished uploads are saved in ${stateDir.path}; start watch again with --state-dir ${stateDir.path} to finish them.\n`);
  return EXIT_INTERRUPTED;
}

/** Ties the scanner, the queue and the done/failed moves together. */
class FolderWatcher {
  private readonly scanner: HotFolderScanner;
  /** queue job id → the file it uploads */
  private readonly fileOfJob = new Map<string, string>();
  /** Results that arrived before enqueue() returned the job's id (cannot happen today; cheap to be safe). */
  private readonly early = new Map<string, JobResult>();
  private readonly pending = new Set<Promise<void>>();
  readonly moved = { done: 0, failed: 0 };

  constructor(
    private readonly root: string,
    private readonly pattern: RegExp | null,
    private readonly session: CliSession,
    private readonly reporter: Reporter,
  ) {
    this.scanner = new HotFolderScanner(root);
    session.onDone((result) => {
      if (result.id === null) return;
      const file = this.fileOfJob.get(result.id);
      if (file === undefined) this.early.set(result.id, result);
      else this.track(this.settle(result.id, file, result));
    });
  }

  /** Files of a previous run's jobs: still running → claimed; finished but not moved (killed in between) → moved now. */
  async restore(): Promise<void> {
    for (const job of this.session.queue.snapshot()) {
      const file = job.files[0];
      if (file === undefined || !this.isInside(file.path)) continue;
      if (!isFinishedStage(job.stage)) {
        this.scanner.claim(file.path);
        this.fileOfJob.set(job.id, file.path);
      } else if (await isLeftoverOf(file.path, file.size, job.createdAt)) {
        const reason = job.error?.message ?? job.server?.message ?? `The job ended ${job.stage}.`;
        await this.move(file.path, job.stage === 'completed', reason);
      }
    }
  }

  async checkOnce(): Promise<void> {
    const ready = await this.scanner.scan();
    for (const file of ready) await this.handle(file);
  }

  /** Waits for moves still in progress. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async handle(file: string): Promise<void> {
    const chart = chartForFile(this.root, file, this.pattern);
    if (!chart.ok) {
      const message = `${this.relative(file)}: ${chart.reason}`;
      const result: JobResult = { id: null, chartNumber: '', jobId: null, outcome: 'rejected', message, reasons: [] };
      this.reporter.done(result);
      await this.move(file, false, chart.reason);
      return;
    }
    const added = await this.session.enqueue(chart.chartNumber, [file]);
    if ('refused' in added) {
      const reasons = [added.refused.message, ...added.refused.reasons].join('\n');
      await this.move(file, false, reasons);
      return;
    }
    this.fileOfJob.set(added.job.id, file);
    const early = this.early.get(added.job.id);
    if (early !== undefined) this.track(this.settle(added.job.id, file, early));
  }

  private async settle(id: string, file: string, result: JobResult): Promise<void> {
    this.fileOfJob.delete(id);
    this.early.delete(id);
    // A watcher runs for months: keep no per-file result once the file is handled.
    this.session.forget(id);
    const reason = result.message !== '' ? result.message : `The job ended ${result.outcome}.`;
    await this.move(file, result.outcome === 'completed', reason);
  }

  private async move(file: string, ok: boolean, reason: string): Promise<void> {
    try {
      if (ok) await moveToDone(this.root, file);
      else await moveToFailed(this.root, file, reason);
      this.moved[ok ? 'done' : 'failed'] += 1;
      this.scanner.release(file);
    } catch (error) {
      // Leave it claimed: retrying a move every few seconds would flood the terminal.
      this.reporter.warning(`could not move ${this.relative(file)} to ${ok ? DONE_FOLDER : FAILED_FOLDER}/: ${(error as Error).message}`);
    }
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private isInside(file: string): boolean {
    const rel = path.relative(this.root, file);
    const top = rel.split(path.sep)[0];
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && top !== DONE_FOLDER && top !== FAILED_FOLDER;
  }

  private relative(file: string): string {
    return path.relative(this.root, file);
  }
}

/**
 * The very file a finished job sent, left behind by a kill between "done" and the move?
 * A NEW file dropped later under the same name was written after that job was made, so
 * its mtime is newer: it is uploaded, never silently moved as if it had been sent.
 */
async function isLeftoverOf(file: string, size: number, jobCreatedAt: number): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  return info !== null && info.size === size && info.mtimeMs <= jobCreatedAt;
}

function sleep(io: CliIo, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      io.clock.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = io.clock.setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
