/** `intake upload`: one job (--chart N FILE...) or many (--jobs jobs.json), followed to their end. */
import type { Command } from '../args';
import type { CliIo } from '../cliIo';
import { EXIT_USAGE } from '../exitCodes';
import { JobsFileError, readJobsFile, type JobSpec } from '../jobsFile';
import { openStateDir } from '../stateDir';
import { runJobs } from './runJobs';
import path from 'node:path';

export async function uploadCommand(command: Extract<Command, { kind: 'upload' }>, io: CliIo): Promise<number> {
  let specs: JobSpec[];
  if (command.jobsFile !== null) {
    try {
      specs = await readJobsFile(command.jobsFile);
    } catch (error) {
      if (!(error instanceof JobsFileError)) throw error;
      // Nothing ran: the input itself cannot be understood, like a bad flag.
      io.err.write(`intake: ${error.message}\n`);
      return EXIT_USAGE;
    }
  } else {
    specs = [{ chartNumber: command.chart, files: command.files.map((f) => path.resolve(f)) }];
  }
  const stateDir = await openStateDir(command.stateDir);
  const { server, wsUrl, backend, token, json, concurrency, network, logFile } = command;
  return runJobs({ server, wsUrl, backend, token, stateDir, json, concurrency, network, logFile, specs, nothingToDo: null, warnings: [] }, io);
}
