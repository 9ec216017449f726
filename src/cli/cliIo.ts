/** What a command needs from its process, injected so commands can run inside a test too. */
import type { Clock } from '../core/clock';
import type { TextSink } from './output/reporter';

export interface CliIo {
  out: TextSink;
  err: TextSink;
  /** stdout is a terminal: live display. */
  isTTY: boolean;
  columns: () => number;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  /** Aborted on SIGINT. */
  interrupt: AbortSignal;
}
