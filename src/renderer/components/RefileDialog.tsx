/**
 * Re-file a job under another chart number (jobRules.refileKind): a job the
 * server has not accepted just changes its chart; one the server holds is
 * cancelled there and sent again under the new chart, in one step. The chart
 * number is validated as everywhere, and the button names what will happen.
 */
import { useState, type FormEvent } from 'react';
import { refileKind } from '../../shared/jobRules';
import { chartNumberProblem } from '../../shared/chartNumber';
import type { QueueJob } from '../../shared/queueJob';
import { FormFooter, Modal } from './Modal';

export interface RefileDialogProps {
  job: QueueJob;
  onClose: () => void;
  /** Resolves to an error message to show, or null when done. */
  onSubmit: (chartNumber: string) => Promise<string | null>;
}

export function RefileDialog({ job, onClose, onSubmit }: RefileDialogProps) {
  const [chartNumber, setChartNumber] = useState('');
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chart = chartNumber.trim();
  const problem = chart === job.chartNumber ? 'That is the chart number the job already has.' : chartNumberProblem(chart);
  const resend = refileKind(job) === 'cancelAndResend';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (problem !== null || busy) return;
    setBusy(true);
    const failure = await onSubmit(chart);
    setBusy(false);
    if (failure !== null) setError(failure);
  };

  const valid = problem === null;
  const label = resend ? `Cancel and send again${valid ? ` to ${chart}` : ''}` : `Move to ${valid ? chart : 'another chart'}`;
  return (
    <Modal title={resend ? 'Cancel and send again under another chart number' : `Change the chart of ${job.chartNumber}`} onClose={onClose} testId="refile-dialog">
      <form className="form" onSubmit={submit} noValidate>
        {resend && <p className="field-hint">The server already has this job under {job.chartNumber}: it is cancelled there, and the same files are sent under the new chart number.</p>}
        <div className="field">
          <label htmlFor="refile-chart">New chart number</label>
          <input
            id="refile-chart"
            autoComplete="off"
            spellCheck={false}
            value={chartNumber}
            aria-invalid={touched && problem !== null}
            aria-describedby="refile-chart-hint"
            onChange={(event) => {
              setChartNumber(event.target.value);
              setTouched(true);
            }}
          />
          <p id="refile-chart-hint" className={touched && problem ? 'field-error' : 'field-hint'} role={touched && problem ? 'alert' : undefined}>
            {touched && problem ? problem : `Now: ${job.chartNumber}`}
          </p>
        </div>
        <FormFooter error={error} onCancel={onClose} submitLabel={busy ? 'Working…' : label} submitDisabled={false} />
      </form>
    </Modal>
  );
}
