/**
 * The batch line on a job of a multi-chart drop (seed 004): the server's own
 * `batch:update` figures when it sends them, else Intake's count of the
 * batch's jobs in this window. One wording for both, so the line does not
 * change shape when the server's first update arrives.
 */
import type { BatchProgress } from '../../shared/batchProgress';

export interface BatchCount {
  total: number;
  done: number;
}

export function batchLine(server: BatchProgress | undefined, own: BatchCount): string | null {
  const total = server?.total ?? own.total;
  const done = server?.completed ?? own.done;
  // A batch of one (or one this window no longer holds) says nothing the row does not.
  if (total <= 1 && server === undefined) return null;
  const percent = server?.progress ?? (total > 0 ? (done / total) * 100 : null);
  return `Batch: ${done} of ${total} done${percent === null ? '' : ` · ${Math.round(Math.min(100, Math.max(0, percent)))} %`}`;
}
