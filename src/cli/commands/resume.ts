/**
 * `intake resume --state-dir DIR`: finishes what a killed run left. The core
 * queue restarts unfinished uploads with their Idempotency-Keys (so the
 * server never makes a job twice) and re-tracks every job that has a jobId.
 */
import { stat } from 'node:fs/promises';
import type { Command } from '../args';
import type { CliIo } from '../cliIo';
import { EXIT_USAGE } from '../exitCodes';
import { openStateDir, readCliState } from '../stateDir';
import { runJobs } from './runJobs';
import { serverUrlProblem, webSocketUrlProblem } from '../../shared/settingsProblems';

export async function resumeCommand(command: Extract<Command, { kind: 'resume' }>, io: CliIo): Promise<number> {
  const isFolder = await stat(command.stateDir).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    io.err.write(`intake: the state folder ${command.stateDir} does not exist; nothing to resume.\n`);
    return EXIT_USAGE;
  }
  const stateDir = await openStateDir(command.stateDir);
  const saved = await readCliState(stateDir.path);
  const server = command.server ?? saved.state?.server ?? null;
  if (server === null) {
    if (saved.warning !== null) io.err.write(`intake: warning: ${saved.warning}\n`);
    io.err.write('intake: this state folder does not say which server the run used; give --server URL.\n');
    return EXIT_USAGE;
  }
  // The saved server gets the same https rule as --server: a run once allowed plain http is not allowed it again silently.
  const problem = serverUrlProblem(server, command.allowInsecureHttp);
  if (problem !== null) {
    io.err.write(`intake: the server this state folder was used with is refused: ${problem}\n`);
    return EXIT_USAGE;
  }
  // A saved override belongs to the saved server: resuming against another --server derives its own.
  const sameServer = command.server === null || command.server === saved.state?.server;
  const wsUrl = command.wsUrl ?? (sameServer ? saved.state?.wsUrl : undefined) ?? null;
  const backend = command.backend ?? (sameServer ? saved.state?.backend : undefined) ?? null;
  const wsProblem = wsUrl === null ? null : webSocketUrlProblem(wsUrl, command.allowInsecureHttp);
  if (wsProblem !== null) {
    io.err.write(`intake: the WebSocket URL this state folder was used with is refused: ${wsProblem}\n`);
    return EXIT_USAGE;
  }
  return runJobs(
    {
      server,
      wsUrl,
      backend,
      token: command.token,
      stateDir,
      json: command.json,
      concurrency: command.concurrency,
      network: command.network,
      logFile: command.logFile,
      specs: [],
      nothingToDo: 'Nothing to resume: every job in this state folder has finished.',
      warnings: saved.warning !== null ? [saved.warning] : [],
    },
    io,
  );
}
