/**
 * One line over every active job: how many are uploading and processing, and
 * the bytes still to send. Hidden when nothing is active.
 */
import { formatBytes, formatDuration, formatRate } from '../displayFormat';
import type { BatchFigures } from '../store/jobTally';

/** `figures` come from the store's running tally: no pass over the jobs per update. */
export function BatchProgress({ figures: f }: { figures: BatchFigures }) {
  if (f.active === 0) return <div className="batch batch-idle">Nothing in progress</div>;
  const parts = [`${f.active} active`];
  if (f.uploading) parts.push(`${f.uploading} uploading`);
  if (f.processing) parts.push(`${f.processing} processing`);
  if (f.waiting) parts.push(`${f.waiting} waiting`);
  let bytes = '';
  if (f.totalBytes > 0) {
    bytes = `${formatBytes(f.sentBytes)} of ${formatBytes(f.totalBytes)}`;
    if (f.bytesPerSecond > 0 && f.sentBytes < f.totalBytes) {
      bytes += ` · ${formatRate(f.bytesPerSecond)} · ${formatDuration(((f.totalBytes - f.sentBytes) / f.bytesPerSecond) * 1000)} left`;
    }
  }
  return (
    <div className="batch" data-testid="batch-progress">
      <span>{parts.join(' · ')}</span>
      {bytes && (
        <>
          <progress className="bar bar-thin" max={1} value={f.totalBytes ? f.sentBytes / f.totalBytes : 0} aria-label="Upload of all active jobs" />
          <span className="batch-bytes">{bytes}</span>
        </>
      )}
    </div>
  );
}
