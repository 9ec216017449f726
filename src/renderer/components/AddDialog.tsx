/**
 * The one question Intake asks: which chart do these documents belong to?
 * Shows what will be sent (with sizes) and what will not (with the reason),
 * validates the chart number as the user types, and submits on Enter.
 * The field starts empty unless the file names suggest a number; the last
 * number used is only offered as a chip, and the submit button names the
 * chart, so a number is never reused without the user seeing it.
 */
import { useRef, useState, type FormEvent } from 'react';
import type { RejectedFile } from '../../shared/ipc';
import { chartNumberProblem } from '../../shared/chartNumber';
import { formatBytes, plural, seenBeforeText } from '../displayFormat';
import type { AddFlowState } from '../hooks/useAddFlow';
import type { DocumentPreviews } from '../preview/documentPreviews';
import { FileThumbnail } from './FileThumbnail';
import { FormFooter, Modal } from './Modal';
import '../styles/preview.css';

export interface AddDialogProps {
  state: Exclude<AddFlowState, { status: 'closed' }>;
  onClose: () => void;
  /** Resolves to an error message to show, or null when the job was queued. */
  onSubmit: (chartNumber: string, paths: string[]) => Promise<string | null>;
  /** Each document's first page and page count (see what you send); absent, the list shows names only. */
  previews?: DocumentPreviews;
  /** Opens the large preview at the accepted file `index`. */
  onPreview?: (index: number) => void;
}

function RejectedList({ rejected }: { rejected: RejectedFile[] }) {
  if (rejected.length === 0) return null;
  return (
    <section className="rejected" aria-label="Files that will not be sent">
      <h3>{plural(rejected.length, 'file')} will not be sent</h3>
      <ul>
        {rejected.map((file, index) => (
          <li key={`${file.path}|${file.name}|${index}`}>
            <span className="file-name">{file.name || file.path}</span>
            <span className="reason">{file.reason}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

const FORMAT_HINT = 'Letters, digits, ".", "_" and "-"';

/** "Send 3 files to CH-2026.117": the chart is named as soon as it is a valid one. */
export function sendLabel(fileCount: number, chartNumber: string, valid: boolean): string {
  if (fileCount === 0) return 'Send';
  const files = `Send ${plural(fileCount, 'file')}`;
  return valid ? `${files} to ${chartNumber}` : files;
}

export function AddDialog({ state, onClose, onSubmit, previews, onPreview }: AddDialogProps) {
  const ready = state.status === 'ready' ? state : null;
  const [chartNumber, setChartNumber] = useState(ready?.suggestion.value ?? '');
  const [touched, setTouched] = useState(false);
  const [typed, setTyped] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [seeded, setSeeded] = useState(ready !== null);
  const inputRef = useRef<HTMLInputElement>(null);

  // The dialog opens while files are still being checked; take the suggestion once it arrives,
  // unless the user has typed a chart number meanwhile (theirs wins).
  if (!seeded && ready) {
    setSeeded(true);
    if (!typed) setChartNumber(ready.suggestion.value);
  }

  const accepted = ready?.inspection.accepted ?? [];
  const seenBefore = new Map((ready?.inspection.seenBefore ?? []).map((seen) => [seen.path, seen]));
  const rejected = state.status === 'ready' ? state.inspection.rejected : state.status === 'error' ? state.rejected : [];
  const chart = chartNumber.trim();
  const problem = chartNumberProblem(chart);
  const fromFileName = ready !== null && ready.suggestion.source === 'pattern' && chart === ready.suggestion.value;
  const offered = ready?.suggestion.last ?? null;
  const totalBytes = accepted.reduce((sum, file) => sum + file.size, 0);
  const canSubmit = ready !== null && accepted.length > 0 && problem === null && !submitting;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!canSubmit) return;
    setSubmitting(true);
    setSubmitError(null);
    const error = await onSubmit(
      chart,
      accepted.map((file) => file.path),
    );
    setSubmitting(false);
    if (error !== null) setSubmitError(error);
  };

  const title = state.status === 'checking' ? `Checking ${plural(state.count, 'item')}…` : accepted.length > 0 ? `Add ${plural(accepted.length, 'document')}` : 'Nothing to send';

  return (
    <Modal title={title} onClose={onClose} testId="add-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="chart-number">Chart number</label>
          <input
            id="chart-number"
            ref={inputRef}
            name="chartNumber"
            autoComplete="off"
            spellCheck={false}
            value={chartNumber}
            aria-invalid={touched && problem !== null}
            aria-describedby="chart-number-hint"
            onChange={(event) => {
              setChartNumber(event.target.value);
              setTouched(true);
              setTyped(true);
            }}
          />
          <p id="chart-number-hint" className={touched && problem ? 'field-error' : 'field-hint'} role={touched && problem ? 'alert' : undefined}>
            {touched && problem ? problem : fromFileName ? 'From file name' : ready ? FORMAT_HINT : ' '}
          </p>
          {offered !== null && offered !== chart && (
            <button
              type="button"
              className="chip"
              onClick={() => {
                setChartNumber(offered);
                setTouched(true);
                setTyped(true);
                // The chip goes away once its number is in the field: keep focus in the form.
                inputRef.current?.focus();
              }}
            >
              Same chart as before: {offered}
            </button>
          )}
        </div>

        {state.status === 'checking' && <p className="checking">Checking the files…</p>}
        {state.status === 'error' && (
          <p className="form-error" role="alert">
            {state.message}
          </p>
        )}
        {accepted.length > 0 && (
          <section className="accepted" aria-label="Files to send">
            <ul className={previews ? 'file-list file-list-previews' : 'file-list'}>
              {accepted.map((file, index) => {
                const seen = seenBefore.get(file.path);
                return (
                  <li key={file.path}>
                    {previews && <FileThumbnail previews={previews} source={{ path: file.path }} name={file.name} onOpen={() => onPreview?.(index)} />}
                    <span className="file-type">{file.type.toUpperCase()}</span>
                    <span className="file-name">{file.name}</span>
                    <span className="file-size">{formatBytes(file.size)}</span>
                    {seen && <span className="file-warning">{seenBeforeText(seen)}</span>}
                  </li>
                );
              })}
            </ul>
            {seenBefore.size > 0 && (
              <p className="seen-before-note">
                {plural(seenBefore.size, 'file')} may have been sent already: check before sending (it is a warning, not a block).
              </p>
            )}
            <p className="file-total">
              {plural(accepted.length, 'file')} · {formatBytes(totalBytes)}
            </p>
          </section>
        )}
        <RejectedList rejected={rejected} />
        <FormFooter
          error={submitError}
          onCancel={onClose}
          submitLabel={submitting ? 'Sending…' : sendLabel(accepted.length, chart, problem === null)}
          // Not disabled while submitting: a focused button that disables itself drops focus out of the dialog.
          submitDisabled={ready === null || accepted.length === 0}
        />
      </form>
    </Modal>
  );
}
