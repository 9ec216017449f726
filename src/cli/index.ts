/**
 * `intake`: the headless front end of the core. Parse, dispatch, exit code;
 * everything else lives in commands/.
 */
import { systemClock } from '../core/clock';
import { parseArgs, USAGE, type Command } from './args';
import type { CliIo } from './cliIo';
import { resumeCommand } from './commands/resume';
import { uploadCommand } from './commands/upload';
import { watchCommand } from './commands/watch';
import { EXIT_OK, EXIT_USAGE } from './exitCodes';
import { StateDirError } from './stateDir';

async function dispatch(command: Command, io: CliIo): Promise<number> {
  switch (command.kind) {
    case 'help':
      io.out.write(`${USAGE}\n`);
      return EXIT_OK;
    case 'upload':
      return uploadCommand(command, io);
    case 'resume':
      return resumeCommand(command, io);
    case 'watch':
      return watchCommand(command, io);
  }
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(`intake: ${parsed.message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  // `intake upload … | head` closes our stdout early; that is not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  const interrupt = new AbortController();
  // First Ctrl-C: save and stop cleanly. A second one quits at once, which is safe because
  // every state file is replaced atomically (old or new on disk, never half).
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  });
  return dispatch(parsed.command, {
    out: process.stdout,
    err: process.stderr,
    isTTY: process.stdout.isTTY === true,
    // 0 or undefined when the terminal reports no size (e.g. under `script`).
    columns: () => process.stdout.columns || Number(process.env.COLUMNS) || 80,
    env: process.env,
    clock: systemClock,
    interrupt: interrupt.signal,
  });
}

main().then(
  (code) => {
    process.exitCode = code;
    // Anything the core left running must not keep a finished CLI alive.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    if (error instanceof StateDirError) {
      process.stderr.write(`intake: ${error.message}\n`);
      process.exit(EXIT_USAGE);
    }
    process.stderr.write(`intake: internal error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(70);
  },
);
