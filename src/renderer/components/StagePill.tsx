import { isCancelling } from '../../shared/jobRules';
import type { QueueJob } from '../../shared/queueJob';

const LABELS: Record<QueueJob['stage'], string> = {
  queued: 'Queued',
  uploading: 'Uploading',
  tracking: 'Processing',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
  blocked: 'Blocked',
};

/** The job's stage as a coloured pill; a server retry shows as "Retrying", a cancel the server has not confirmed as "Cancelling…". */
export function StagePill({ job }: { job: QueueJob }) {
  if (isCancelling(job)) return <span className="pill pill-retrying">Cancelling…</span>;
  const retrying = job.stage === 'tracking' && job.server?.status === 'failed' && job.server.willRetry;
  const label = retrying ? 'Retrying' : LABELS[job.stage];
  return <span className={`pill pill-${retrying ? 'retrying' : job.stage}`}>{label}</span>;
}
