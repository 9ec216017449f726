/**
 * The common end of `upload` and `resume`: open the session (which restarts
 * whatever a killed run left), add the new jobs, follow every job to its
 * end, and turn the results into an exit code.
 */
import type { NetworkArgs } from '../args';
import type { CliIo } from '../cliIo';
import { cliNetwork } from '../cliNetwork';
import { cliLogger } from '../cliLogger';
import { EXIT_INTERRUPTED, EXIT_JOB_FAILED, EXIT_USAGE, exitCodeFor } from '../exitCodes';
import { cliBackend, cliState } from '../cliBackend';
import type { JobSpec } from '../jobsFile';
import { reporterFor } from '../output/reporterFor';
import { CliSession } from '../session';
import { removeStateDir, writeCliState, type StateDir } from '../stateDir';

export interface RunJobsOptions {
  server: string;
  /** WebSocket URL override; null = derived from server. */
  wsUrl: string | null;
  /** --backend as given (a built-in name or a dialect file); null = intake. */
  backend: string | null;
  token: string | null;
  stateDir: StateDir;
  json: boolean;
  concurrency: number | null;
  network: NetworkArgs;
  logFile: string | null;
  specs: JobSpec[];
  /** Said when there was nothing to do at all (resume of a finished run). */
  nothingToDo: string | null;
  /** Warnings found before the session opened (e.g. a corrupt cli.json). */
  warnings: string[];
}

export async function runJobs(options: RunJobsOptions, io: CliIo): Promise<number> {
  const backend = await cliBackend(options.backend, io);
  if (backend === null) return EXIT_USAGE;
  const reporter = reporterFor(options.json, io);
  for (const warning of options.warnings) reporter.warning(warning);
  await writeCliState(options.stateDir.path, cliState(options.server, options.wsUrl, backend.saved));
  const session = await CliSession.open({
    server: options.server,
    wsUrl: options.wsUrl,
    dialect: backend.dialect,
    token: options.token,
    stateDir: options.stateDir.path,
    reporter,
    logger: cliLogger(io.err, io.env.INTAKE_DEBUG !== undefined, options.logFile),
    concurrency: options.concurrency,
    network: await cliNetwork(options.network, io.env),
  });

  const ids = session.unfinishedJobIds();
  if (ids.length > 0) reporter.info(`Resuming ${ids.length} unfinished job${ids.length === 1 ? '' : 's'} from the state folder.`);
  // One batch: each job is judged on its own, the accepted ones share one write (a write per job would
  // rewrite the whole queue each time, bytes growing with the square of the count).
  if (options.specs.length > 0 && !io.interrupt.aborted) {
    for (const added of await session.enqueueMany(options.specs)) if ('job' in added) ids.push(added.job.id);
  }
  if (ids.length === 0 && options.specs.length === 0 && options.nothingToDo !== null) reporter.info(options.nothingToDo);

  const ended = await session.waitFor(ids, io.interrupt);
  await session.dispose();
  const results = session.resultsFor(ids);
  reporter.close(results);

  const resumeHint = options.stateDir.temporary
    ? `The queue is saved in ${options.stateDir.path}; finish it with: intake resume --state-dir ${options.stateDir.path}`
    : `Finish it with: intake resume --state-dir ${options.stateDir.path}`;
  if (ended === 'interrupted') {
    io.err.write(`intake: interrupted; unfinished jobs are saved. ${resumeHint}\n`);
    return EXIT_INTERRUPTED;
  }
  if (ended === 'auth_failed') {
    io.err.write(`intake: the server refused the token (check --token or INTAKE_TOKEN); unfinished jobs are saved. ${resumeHint}\n`);
    return EXIT_JOB_FAILED;
  }
  await removeStateDir(options.stateDir);
  return exitCodeFor(results);
}
