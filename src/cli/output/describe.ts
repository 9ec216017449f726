/** Short human phrases for jobs, sizes and connection states, shared by the plain and live displays. */
import type { ConnectionState } from '../../shared/connectionState';
import { phaseLabel } from '../../shared/phases';
import { formatBytes } from '../../shared/formatBytes';
import type { QueueJob } from '../../shared/queueJob';

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function describeFiles(job: QueueJob): string {
  const total = job.files.reduce((sum, f) => sum + f.size, 0);
  return `${job.files.length} file${job.files.length === 1 ? '' : 's'}, ${formatBytes(total)}`;
}

function describeProgress(job: QueueJob, now: number): string {
  const upload = job.upload;
  if (upload === null && job.nextUploadAt !== null) {
    const wait = Math.max(0, (job.nextUploadAt - now) / 1000);
    const why = job.error !== null ? ` (${job.error.message})` : '';
    return `upload try ${job.uploadAttempts} failed${why}; next try in ${formatSeconds(wait)}`;
  }
  if (upload === null) return 'uploading';
  const percent = upload.totalBytes > 0 ? Math.floor((upload.sentBytes / upload.totalBytes) * 100) : 0;
  const speed = upload.bytesPerSecond > 0 ? ` ${formatBytes(upload.bytesPerSecond)}/s` : '';
  const eta = upload.etaSeconds !== null ? ` ${formatSeconds(upload.etaSeconds)} left` : '';
  return `uploading ${percent}% of ${formatBytes(upload.totalBytes)}${speed}${eta}`;
}

/** Where a job is, in a few words: the stage, or the server phase once tracked. */
export function describeJobState(job: QueueJob, now: number): string {
  if (job.stage === 'uploading') return describeProgress(job, now);
  if (job.stage === 'queued') {
    if (job.error !== null) return `waiting: ${job.error.message}`;
    return job.uploadAttempts > 0 ? `queued (upload attempt ${job.uploadAttempts + 1})` : 'queued';
  }
  const server = job.server;
  if (server === null) return job.stage === 'tracking' ? 'uploaded, waiting for the server' : job.stage;
  if (server.status === 'failed' && server.willRetry) {
    const attempt = server.attempt !== null && server.maxAttempts !== null ? ` (attempt ${server.attempt} of ${server.maxAttempts})` : '';
    return `retrying${attempt}`;
  }
  // A Socket.IO backend says a percentage and its own word, not a phase of the table.
  if (server.progress !== undefined) {
    const word = `${Math.round(server.progress)}% ${server.statusWord ?? server.status}`;
    return server.message !== '' ? `${word}: ${server.message}` : word;
  }
  // Before its first phase the server calls the job "queued"; ours would read as "not sent yet".
  const label = server.phase === 'queued' ? 'accepted by the server' : phaseLabel(server.phase);
  const same = server.message.replace(/[.\s]+$/, '').toLowerCase() === label.toLowerCase();
  return server.message !== '' && !same ? `${label}: ${server.message}` : label;
}

export function describeConnection(state: ConnectionState): string {
  switch (state.state) {
    case 'connected':
      return 'connected';
    case 'connecting':
      return 'connecting';
    case 'reconnecting':
      return `reconnecting (${state.reason})`;
    case 'polling':
      return `live connection down, polling (${state.reason})`;
    case 'auth_failed':
      return `authentication failed (${state.reason}); check --token`;
    case 'stopped':
      return 'stopped';
  }
}
