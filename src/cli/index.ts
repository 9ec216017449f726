/**
 * `intake`: the headless front end of the core. Parse, dispatch, exit code;
 * everything else lives in commands/.
 */
import { parseArgs, USAGE, type Command } from './args';
import type { CliIo } from './cliIo';
import { doctorCommand } from './commands/doctor';
import { resumeCommand } from './commands/resume';
import { uploadCommand } from './commands/upload';
import { watchCommand } from './commands/watch';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from './exitCodes';
import { processIo } from './processIo';
import { StateDirError } from './stateDir';
import { TrustFileError } from '../core/network/trust';
import { applyEngineV8Flags } from '../core/host/engineV8Flags';
import { policyReport } from '../core/policy/managedPolicy';
import { policyFilePath, readPolicyFile } from '../core/policy/policyFile';
import { applyPolicy, argPresets } from './cliPolicy';

function dispatch(command: Command, io: CliIo): Promise<number> {
  switch (command.kind) {
    case 'help':
      io.out.write(`${USAGE}\n`);
      return Promise.resolve(EXIT_OK);
    case 'upload':
      return uploadCommand(command, io);
    case 'resume':
      return resumeCommand(command, io);
    case 'watch':
      return watchCommand(command, io);
    case 'doctor':
      return doctorCommand(command, io);
  }
}

async function main(): Promise<number> {
  // The CLI runs the engine in this process.
  applyEngineV8Flags();
  // The same managed settings as the app: presets fill in, locks refuse.
  const policy = readPolicyFile(policyFilePath(process.platform, process.env));
  const report = policyReport(policy);
  if (report !== null) process.stderr.write(`intake: warning: ${report}\n`);
  const read = parseArgs(process.argv.slice(2), process.env, argPresets(policy));
  const parsed = read.ok ? { ...applyPolicy(read.command, policy), ...(read.notice !== undefined && { notice: read.notice }) } : read;
  if (!parsed.ok) {
    process.stderr.write(`intake: ${parsed.message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (parsed.notice !== undefined) process.stderr.write(`intake: warning: ${parsed.notice}\n`);
  try {
    return await dispatch(parsed.command, processIo());
  } catch (error) {
    if (!(error instanceof StateDirError) && !(error instanceof TrustFileError)) throw error;
    process.stderr.write(`intake: ${error.message}\n`);
    return EXIT_USAGE;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    // Anything the core left running must not keep a finished CLI alive.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`intake: internal error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(EXIT_INTERNAL);
  },
);
