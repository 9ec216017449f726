/**
 * `intake doctor --server URL [--proxy …] [--ca-file …]`: the connection check,
 * one line per step, so the user (or their IT desk) sees which step fails.
 */
import type { Command } from '../args';
import type { CliIo } from '../cliIo';
import { cliNetwork } from '../cliNetwork';
import { EXIT_JOB_FAILED, EXIT_OK } from '../exitCodes';
import { runDoctor } from '../../core/network/doctor';

const MARK = { ok: 'ok  ', failed: 'FAIL', skipped: 'skip' } as const;

export async function doctorCommand(command: Extract<Command, { kind: 'doctor' }>, io: CliIo): Promise<number> {
  const network = await cliNetwork(command.network, io.env);
  try {
    const results = await runDoctor({ baseUrl: command.server, wsUrl: command.wsUrl, token: command.token, network });
    for (const result of results) {
      if (command.json) io.out.write(`${JSON.stringify({ step: result.name, outcome: result.outcome, detail: result.detail })}\n`);
      else io.out.write(`${MARK[result.outcome]}  ${result.name.padEnd(9)}  ${result.detail}\n`);
    }
    return results.every((result) => result.outcome === 'ok') ? EXIT_OK : EXIT_JOB_FAILED;
  } finally {
    await network.close();
  }
}
