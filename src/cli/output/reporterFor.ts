import type { CliIo } from '../cliIo';
import { HumanOutput } from './humanOutput';
import { JsonOutput } from './jsonOutput';
import type { Reporter } from './reporter';

/** `--json` → JSON lines; otherwise the live display on a terminal, plain lines elsewhere. */
export function reporterFor(json: boolean, io: CliIo): Reporter {
  if (json) return new JsonOutput({ out: io.out, err: io.err, now: () => io.clock.now() });
  return new HumanOutput({ out: io.out, err: io.err, live: io.isTTY, columns: io.columns, clock: io.clock });
}
