import type { UploadProgress } from '../../shared/queueJob';
import { formatBytes, formatDuration, formatRate } from '../displayFormat';

/** "43 MB of 101 MB · 2.1 MB/s · 8 s left" over a progress bar. */
export function uploadSummary(progress: UploadProgress): string {
  const parts = [`${formatBytes(progress.sentBytes)} of ${formatBytes(progress.totalBytes)}`];
  if (progress.bytesPerSecond > 0) parts.push(formatRate(progress.bytesPerSecond));
  if (progress.etaSeconds !== null && progress.sentBytes < progress.totalBytes) parts.push(`${formatDuration(progress.etaSeconds * 1000)} left`);
  return parts.join(' · ');
}

export function UploadBar({ progress, label }: { progress: UploadProgress; label: string }) {
  const fraction = progress.totalBytes > 0 ? Math.min(1, progress.sentBytes / progress.totalBytes) : 0;
  return (
    <div className="upload">
      <progress className="bar" max={1} value={fraction} aria-label={label} />
      <span className="upload-text">{uploadSummary(progress)}</span>
    </div>
  );
}
