/** The real process behind CliIo: stdout/stderr, the terminal, and Ctrl-C. */
import { systemClock } from '../core/clock';
import type { CliIo } from './cliIo';

export function processIo(): CliIo {
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
  return {
    out: process.stdout,
    err: process.stderr,
    isTTY: process.stdout.isTTY === true,
    // 0 or undefined when the terminal reports no size (e.g. under `script`).
    columns: () => process.stdout.columns || Number(process.env.COLUMNS) || 80,
    env: process.env,
    clock: systemClock,
    interrupt: interrupt.signal,
  };
}
