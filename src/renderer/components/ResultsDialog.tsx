/** A completed job's results as readable tables, the raw JSON one click away. */
import { useId, useState, type KeyboardEvent } from 'react';
import type { QueueJob } from '../../shared/queueJob';
import { phaseLabel } from '../../shared/phases';
import { formatBytes, formatDuration } from '../displayFormat';
import { GenericValue } from './GenericValue';
import { Modal } from './Modal';
import { readResults, resultsForJob, type DocumentRow, type PhaseRow } from './resultsModel';

export type ResultsState = { status: 'loading' } | { status: 'ok'; value: unknown } | { status: 'error'; message: string };

function time(iso: string | null): string {
  if (iso === null) return '—';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function DocumentsTable({ rows }: { rows: DocumentRow[] }) {
  return (
    <table className="data" aria-label="Documents">
      <thead>
        <tr>
          <th scope="col">Document</th>
          <th scope="col" className="num">Size</th>
          <th scope="col">Type</th>
          <th scope="col" className="num">Pages</th>
          <th scope="col">SHA-256</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={`${row.name}-${index}`}>
            <td className="file-name">{row.name}</td>
            <td className="num">{row.size === null ? '—' : formatBytes(row.size)}</td>
            <td>{row.type?.toUpperCase() ?? '—'}</td>
            <td className="num">{row.pages ?? '—'}</td>
            <td className="mono" title={row.sha256 ?? undefined}>
              {row.sha256 ? `${row.sha256.slice(0, 12)}…` : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PhasesTable({ rows }: { rows: PhaseRow[] }) {
  // Attempts matter only when the server retried: then each phase appears once per attempt.
  const retried = rows.some((row) => row.attempt !== null && row.attempt > 1);
  return (
    <table className="data" aria-label="Phase timings">
      <thead>
        <tr>
          {retried && <th scope="col" className="num">Attempt</th>}
          <th scope="col">Phase</th>
          <th scope="col">Started</th>
          <th scope="col">Ended</th>
          <th scope="col" className="num">Took</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={`${row.attempt}-${row.phase}-${index}`}>
            {retried && <td className="num">{row.attempt ?? '—'}</td>}
            <td>{phaseLabel(row.phase)}</td>
            <td>{time(row.start)}</td>
            <td>{time(row.end)}</td>
            <td className="num">{row.durationMs === null ? '—' : formatDuration(row.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ReadableView({ value, jobId }: { value: unknown; jobId: string | null }) {
  const readable = readResults(resultsForJob(value, jobId));
  if (value === null || value === undefined) return <p className="muted">The server sent no results for this job.</p>;
  return (
    <div className="results">
      {readable.documents && (
        <section>
          <h3>Documents</h3>
          <DocumentsTable rows={readable.documents} />
        </section>
      )}
      {readable.phases && (
        <section>
          <h3>Phase timings</h3>
          <PhasesTable rows={readable.phases} />
        </section>
      )}
      {(readable.rest || readable.other !== undefined) && (
        <section>
          <h3>{readable.documents || readable.phases ? 'Other details' : 'Details'}</h3>
          <GenericValue value={readable.rest ?? readable.other} />
        </section>
      )}
    </div>
  );
}

const VIEWS = [
  { raw: false, label: 'Tables' },
  { raw: true, label: 'Raw JSON' },
] as const;

export function ResultsDialog({ job, state, onClose }: { job: QueueJob; state: ResultsState; onClose: () => void }) {
  const [raw, setRaw] = useState(false);
  const ids = useId();
  const tabId = (isRaw: boolean) => `${ids}-tab-${isRaw ? 'raw' : 'tables'}`;
  // Tabs pattern: one tab stop, arrows (and Home/End) move between the two views.
  const onTabKey = (event: KeyboardEvent) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    event.preventDefault();
    const next = event.key === 'Home' ? false : event.key === 'End' ? true : !raw;
    setRaw(next);
    document.getElementById(tabId(next))?.focus();
  };
  const json = state.status === 'ok' && raw;
  return (
    <Modal title={`Results — chart ${job.chartNumber}`} onClose={onClose} wide testId="results-dialog">
      <div className="results-toolbar" role="tablist" aria-label="Results view" onKeyDown={onTabKey}>
        {VIEWS.map((view) => (
          <button
            key={view.label}
            id={tabId(view.raw)}
            type="button"
            role="tab"
            aria-selected={raw === view.raw}
            aria-controls={`${ids}-panel`}
            tabIndex={raw === view.raw ? 0 : -1}
            className={`filter${raw === view.raw ? ' filter-selected' : ''}`}
            onClick={() => setRaw(view.raw)}
          >
            {view.label}
          </button>
        ))}
      </div>
      {/* The panel is a tab stop of its own unless the raw JSON (itself focusable, to scroll it) is in it. */}
      <div className="results-body" role="tabpanel" id={`${ids}-panel`} aria-labelledby={tabId(raw)} tabIndex={json ? undefined : 0}>
        {state.status === 'loading' && <p className="checking">Loading results…</p>}
        {state.status === 'error' && (
          <p className="form-error" role="alert">
            {state.message}
          </p>
        )}
        {state.status === 'ok' &&
          (raw ? (
            <pre className="raw" tabIndex={0} role="region" aria-label="Raw JSON of the results">
              {JSON.stringify(state.value, null, 2)}
            </pre>
          ) : (
            <ReadableView value={state.value} jobId={job.jobId} />
          ))}
      </div>
    </Modal>
  );
}
