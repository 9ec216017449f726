/**
 * One job, at a fixed height (the virtual list depends on it: no layout jump
 * when a row's content changes). Dumb: everything comes in as props.
 */
import { memo } from 'react';
import { canCancel, canPreview, canRemove, canRetry, canReveal, hasResults, refileKind } from '../../shared/jobRules';
import type { QueueJob } from '../../shared/queueJob';
import { formatBytes, plural } from '../displayFormat';
import { jobStatusLine } from './jobStatusLine';
import { PhaseStepper } from './PhaseStepper';
import { ServerProgress, reportsProgress } from './ServerProgress';
import { StagePill } from './StagePill';
import { UploadBar } from './UploadBar';

export type JobAction = 'cancel' | 'refile' | 'retry' | 'remove' | 'results' | 'preview' | 'reveal';

/** In the order the row shows them; whether each applies is the shared rule's call. */
const ACTION_RULES: Array<[JobAction, (job: QueueJob) => boolean]> = [
  ['results', hasResults],
  ['retry', canRetry],
  ['preview', canPreview],
  ['reveal', canReveal],
  ['cancel', canCancel],
  ['refile', (job) => refileKind(job) !== null],
  ['remove', canRemove],
];
const ACTION_LABELS: Record<JobAction, string> = {
  cancel: 'Cancel',
  refile: 'Re-file…',
  retry: 'Retry',
  remove: 'Remove',
  results: 'Results',
  preview: 'Show files',
  reveal: 'Show in folder',
};

export function actionsFor(job: QueueJob): JobAction[] {
  return ACTION_RULES.filter(([, applies]) => applies(job)).map(([action]) => action);
}

export interface JobRowProps {
  job: QueueJob;
  /** "Batch: 2 of 3 done · 67 %" for a job of a multi-chart batch (useBatchLine); absent or null otherwise. */
  batch?: string | null;
  /** The batch line carries the server's figures (else Intake's own count). */
  batchFromServer?: boolean;
  now: number;
  tabbable: boolean;
  highlighted: boolean;
  onAction: (action: JobAction, job: QueueJob) => void;
  onFocusRow: (id: string) => void;
}

export const JobRow = memo(function JobRow({ job, batch = null, batchFromServer = false, now, tabbable, highlighted, onAction, onFocusRow }: JobRowProps) {
  const totalBytes = job.files.reduce((sum, file) => sum + file.size, 0);
  const status = jobStatusLine(job, now);
  const showUpload = job.stage === 'uploading' && job.upload !== null;
  return (
    <div
      className={`row row-${job.stage}${highlighted ? ' row-highlighted' : ''}`}
      role="listitem"
      tabIndex={tabbable ? 0 : -1}
      data-job-id={job.id}
      aria-label={`Chart ${job.chartNumber}, ${plural(job.files.length, 'file')}, ${status.text}`}
      onFocus={(event) => event.target === event.currentTarget && onFocusRow(job.id)}
    >
      <div className="row-head">
        <span className="chart">{job.chartNumber}</span>
        <span className="row-meta">
          {plural(job.files.length, 'file')} · {formatBytes(totalBytes)}
        </span>
        {batch !== null && (
          <span className="row-batch" data-testid="row-batch" data-source={batchFromServer ? 'server' : 'intake'}>
            {batch}
          </span>
        )}
        <StagePill job={job} />
        <span className="row-actions">
          {actionsFor(job).map((action) => (
            <button
              key={action}
              type="button"
              className={`btn btn-small${action === 'results' ? ' btn-accent' : ''}`}
              tabIndex={tabbable ? 0 : -1}
              aria-label={`${ACTION_LABELS[action]} (chart ${job.chartNumber})`}
              onClick={() => onAction(action, job)}
            >
              {ACTION_LABELS[action]}
            </button>
          ))}
        </span>
      </div>
      <div className="row-body">
        {showUpload && job.upload ? (
          <UploadBar progress={job.upload} label={`Upload of chart ${job.chartNumber}`} />
        ) : reportsProgress(job.server) ? (
          <ServerProgress server={job.server} label={`Processing of chart ${job.chartNumber}`} />
        ) : (
          <PhaseStepper server={job.server} />
        )}
      </div>
      <div className={`row-status tone-${status.tone}`} title={status.text}>
        {status.text}
      </div>
    </div>
  );
});
