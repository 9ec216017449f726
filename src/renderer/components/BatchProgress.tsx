/**
 * One line over every active job: how many are uploading and processing, and
 * the bytes still to send. Hidden when nothing is active.
 */
import type { QueueJob } from '../../shared/queueJob';
import { formatBytes, formatDuration, formatRate } from '../displayFormat';

export interface BatchFigures {
  active: number;
  waiting: number;
  uploading: number;
  processing: number;
  sentBytes: number;
  totalBytes: number;
  bytesPerSecond: number;
}

export function batchFigures(jobs: readonly QueueJob[]): BatchFigures {
  const figures: BatchFigures = { active: 0, waiting: 0, uploading: 0, processing: 0, sentBytes: 0, totalBytes: 0, bytesPerSecond: 0 };
  for (const job of jobs) {
    if (job.stage !== 'queued' && job.stage !== 'uploading' && job.stage !== 'tracking') continue;
    figures.active += 1;
    if (job.stage === 'tracking') {
      figures.processing += 1;
      continue;
    }
    figures.totalBytes += job.upload?.totalBytes ?? job.files.reduce((sum, file) => sum + file.size, 0);
    if (job.stage === 'uploading') {
      figures.uploading += 1;
      figures.sentBytes += job.upload?.sentBytes ?? 0;
      figures.bytesPerSecond += job.upload?.bytesPerSecond ?? 0;
    } else figures.waiting += 1;
  }
  return figures;
}

export function BatchProgress({ jobs }: { jobs: readonly QueueJob[] }) {
  const f = batchFigures(jobs);
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
