/** The `intake` exit codes, and how a run's results map onto them. */
import type { JobResult } from './output/reporter';

export const EXIT_OK = 0;
/** A job failed, was rejected by the server, refused before upload, or cancelled. */
export const EXIT_JOB_FAILED = 1;
export const EXIT_USAGE = 2;
/** Interrupted by SIGINT (128 + 2, the shell convention); state was saved first. */
export const EXIT_INTERRUPTED = 130;
/** A bug, not the user's input (sysexits EX_SOFTWARE); the message goes to stderr. */
export const EXIT_INTERNAL = 70;

export function exitCodeFor(results: readonly JobResult[]): number {
  return results.every((r) => r.outcome === 'completed') ? EXIT_OK : EXIT_JOB_FAILED;
}
