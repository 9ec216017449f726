/**
 * `intake watch DIR`: a hot folder for scan stations. Each file that has
 * stopped growing becomes one job; when the job ends the file moves to
 * DIR/done/ or DIR/failed/ (+ `<file>.error.txt`). Runs until SIGINT.
 *
 * With --state-dir, a restarted watcher knows which files it already queued
 * (they are in the saved queue), so no file is uploaded twice.
 */
import { DisposableStore } from '../../core/base/lifecycle';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from '../args';
import type { CliIo } from '../cliIo';
import { cliLogger } from '../cliLogger';
import { EXIT_INTERRUPTED, EXIT_JOB_FAILED, EXIT_USAGE } from '../exitCodes';
import { chartFromOption } from '../../core/hotFolder/chartForFile';
import { DONE_FOLDER, FAILED_FOLDER } from '../../core/hotFolder/hotFolderLayout';
import { HotFolderWatcher, type HotFolderEvent, type HotFolderQueue } from '../../core/hotFolder/HotFolderWatcher';
import type { Reporter } from '../output/reporter';
import { reporterFor } from '../output/reporterFor';
import { CliSession } from '../session';
import { openStateDir, removeStateDir, writeCliState } from '../stateDir';
import { cliNetwork } from '../cliNetwork';
import { cliBackend, cliState } from '../cliBackend';

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
  const backend = await cliBackend(command.backend, io);
  if (backend === null) return EXIT_USAGE;
  const reporter = reporterFor(command.json, io);
  const stateDir = await openStateDir(command.stateDir);
  await writeCliState(stateDir.path, cliState(command.server, command.wsUrl, backend.saved));
  const logger = cliLogger(io.err, io.env.INTAKE_DEBUG !== undefined, command.logFile);
  const session = await CliSession.open({
    server: command.server,
    wsUrl: command.wsUrl,
    dialect: backend.dialect,
    token: command.token,
    stateDir: stateDir.path,
    reporter,
    logger,
    concurrency: command.concurrency,
    network: await cliNetwork(command.network, io.env),
    keepRefused: false,
  });
  const watcher = new HotFolderWatcher({
    root,
    pattern: chartFromOption(command.chartFrom === null ? null : new RegExp(command.chartFrom)),
    queue: sessionQueue(session),
    clock: io.clock,
    intervalMs: command.intervalMs,
    logger,
  });
  const subscriptions = new DisposableStore();
  subscriptions.add(watcher.onEvent((event) => report(event, root, reporter)));
  // A watcher runs for months: keep no per-file result once its job has ended.
  subscriptions.add(
    session.onDone((result) => {
      if (result.id !== null) session.forget(result.id);
    }),
  );
  await watcher.start();
  reporter.info(`Watching ${root} (checking every ${command.intervalMs} ms); Ctrl-C to stop.`);

  let authFailed = false;
  const stopped = new AbortController();
  const onInterrupt = () => stopped.abort();
  io.interrupt.addEventListener('abort', onInterrupt);
  if (io.interrupt.aborted) stopped.abort();
  subscriptions.add(
    session.onAuthFailed(() => {
      authFailed = true;
      stopped.abort();
    }),
  );
  if (!stopped.signal.aborted) await new Promise((resolve) => stopped.signal.addEventListener('abort', resolve, { once: true }));
  io.interrupt.removeEventListener('abort', onInterrupt);
  await watcher.dispose();
  subscriptions.dispose();
  await session.dispose();
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

/**
 * The queue as the watcher sees it, through the session so that a refused job is
 * reported like any other; the refusal's reasons become the file's .error.txt.
 */
function sessionQueue(session: CliSession): HotFolderQueue {
  return {
    enqueue: async ({ chartNumber, files }) => {
      const added = await session.enqueue(chartNumber, files);
      if ('refused' in added) throw new Error([added.refused.message, ...added.refused.reasons].join('\n'));
      return added.job;
    },
    snapshot: () => session.queue.snapshot(),
    onEvent: (listener) => session.queue.onEvent(listener),
  };
}

/** The watcher's news for the terminal; queued jobs and refusals by the queue are reported by the session. */
function report(event: HotFolderEvent, root: string, reporter: Reporter): void {
  const relative = (file: string) => path.relative(root, file);
  switch (event.type) {
    case 'refused':
      if (event.cause === 'chart') {
        const message = `${relative(event.file)}: ${event.reason}`;
        reporter.done({ id: null, chartNumber: '', jobId: null, outcome: 'rejected', message, reasons: [] });
      }
      return;
    case 'move_failed':
      reporter.warning(`could not move ${relative(event.file)} to ${event.to === 'done' ? DONE_FOLDER : FAILED_FOLDER}/: ${event.error.message}`);
      return;
    case 'unavailable':
      reporter.warning(`${event.message} Still checking.`);
      return;
    case 'available':
      reporter.info('The watched folder is back; checking again.');
      return;
    default:
      return;
  }
}
