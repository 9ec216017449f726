/**
 * The window: header, filters, the queue, and the dialogs. State lives in the
 * store (a mirror of main); this component only holds which dialog is open.
 */
import { useCallback, useState } from 'react';
import type { FileInspection, IpcResult, SettingsView } from '../../shared/ipc';
import type { QueueJob } from '../../shared/queueJob';
import { useAddFlow } from '../hooks/useAddFlow';
import { usePreviewViewer } from '../hooks/usePreviewViewer';
import { DocumentPreviews } from '../preview/documentPreviews';
import { useFileDrop } from '../hooks/useFileDrop';
import { rememberChartNumber } from '../store/chartSuggestion';
import type { JobFilter } from '../store/jobList';
import { useBridge, useIntake, useJobIds, useMainCommands } from '../store/useIntake';
import { AddDialog } from './AddDialog';
import { BatchProgress } from './BatchProgress';
import { DropOverlay } from './DropOverlay';
import { EmptyState } from './EmptyState';
import { FilterBar } from './FilterBar';
import { focusFallback } from './focusFallback';
import { Header } from './Header';
import { JobList } from './JobList';
import type { JobAction } from './JobRow';
import { LiveRegion } from './LiveRegion';
import { ResultsDialog, type ResultsState } from './ResultsDialog';
import { SettingsDialog } from './SettingsDialog';
import { PreviewDialog } from './PreviewDialog';
import { RefileDialog } from './RefileDialog';
import { UndoToast, type SentJob } from './UndoToast';

export function App() {
  const bridge = useBridge();
  const status = useIntake((s) => s.status);
  const loadError = useIntake((s) => s.loadError);
  // The parts of the tally, not the tally: each keeps its identity while its values hold.
  const counts = useIntake((s) => s.tally.counts);
  const finishedCount = useIntake((s) => s.tally.finished);
  const countingDown = useIntake((s) => s.tally.countingDown > 0);
  const batch = useIntake((s) => s.tally.batch);
  const connection = useIntake((s) => s.connection);
  const paused = useIntake((s) => s.paused);
  const demoServer = useIntake((s) => s.demoServer);
  const announcement = useIntake((s) => s.announcement);

  const [filter, setFilter] = useState<JobFilter>('all');
  const [notice, setNotice] = useState<string | null>(null);
  const [results, setResults] = useState<{ job: QueueJob; state: ResultsState } | null>(null);
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [refiling, setRefiling] = useState<QueueJob | null>(null);
  /** The job main asked to bring into view: a new object per request. */
  const [focus, setFocus] = useState<{ jobId: string } | null>(null);
  /** The job just sent, for the "Sent — Undo" toast. */
  const [sent, setSent] = useState<SentJob | null>(null);
  const closeToast = useCallback(() => setSent(null), []);
  const undo = useCallback(async (id: string) => {
    const answer = await bridge.undo(id);
    return answer.ok ? answer : { ok: false as const, message: answer.error.message };
  }, [bridge]);
  const [previews] = useState(() => new DocumentPreviews(bridge));
  const viewer = usePreviewViewer(previews);
  const openViewer = viewer.open;
  const add = useAddFlow(bridge, {
    onReady: useCallback((inspection: FileInspection) => previews.request(inspection.accepted.map((file) => ({ path: file.path }))), [previews]),
    onClose: useCallback(() => previews.clear(), [previews]),
  });
  const dialogOpen = add.state.status !== 'closed' || results !== null || settings !== null || refiling !== null || viewer.state !== null;
  const dragging = useFileDrop(add.openFiles, !dialogOpen);

  const visibleIds = useJobIds(filter);

  const report = useCallback(<T,>(result: IpcResult<T>): T | null => {
    if (result.ok) return result.value;
    setNotice(result.error.message);
    return null;
  }, []);

  const onAction = useCallback(
    async (action: JobAction, job: QueueJob) => {
      setNotice(null);
      switch (action) {
        case 'cancel':
          return void report(await bridge.cancel(job.id));
        case 'retry':
          return void report(await bridge.retry(job.id));
        case 'refile':
          return setRefiling(job);
        case 'remove':
          return void report(await bridge.remove(job.id));
        case 'reveal':
          return void report(await bridge.revealFiles(job.id));
        case 'preview':
          return void openViewer(
            job.files.map((file, index) => ({ source: { jobId: job.id, file: index }, name: file.name })),
            0,
          );
        case 'results': {
          setResults({ job, state: { status: 'loading' } });
          const answer = await bridge.getResults(job.id);
          setResults((open) =>
            open?.job.id !== job.id ? open : { job, state: answer.ok ? { status: 'ok', value: answer.value } : { status: 'error', message: answer.error.message } },
          );
        }
      }
    },
    [bridge, report, openViewer],
  );

  const openSettings = useCallback(async () => {
    const view = report(await bridge.getSettings());
    if (view) setSettings(view);
  }, [bridge, report]);

  useMainCommands((command) => {
    switch (command.type) {
      case 'openFiles':
        return void add.open(command.paths);
      case 'openSettings':
        return void openSettings();
      case 'focusJob':
        // Every job is shown, or the job may be filtered out of view.
        setFilter('all');
        return setFocus({ jobId: command.jobId });
    }
  });

  const submitJob = async (chartNumber: string, paths: string[]): Promise<string | null> => {
    const result = await bridge.enqueue({ chartNumber, files: paths });
    if (!result.ok) return result.error.message;
    rememberChartNumber(chartNumber);
    setSent({ id: result.value.id, chartNumber: result.value.chartNumber });
    add.close();
    setFilter((current) => (current === 'all' || current === 'active' ? current : 'all'));
    return null;
  };

  return (
    <div className="app">
      <Header
        connection={connection}
        demoServer={demoServer}
        paused={paused}
        finishedCount={finishedCount}
        onAdd={() => void add.pick()}
        onTogglePause={async () => report(await (paused ? bridge.resumeAll() : bridge.pauseAll()))}
        onClearFinished={async () => report(await bridge.clearFinished())}
        onOpenSettings={() => void openSettings()}
      />
      <UndoToast sent={sent} onUndo={undo} onClose={closeToast} />
      {/* One landmark for everything under the header, so no content sits outside a region. */}
      <main className="main">
        <div className="toolbar">
          <FilterBar filter={filter} counts={counts} onChange={setFilter} />
          <BatchProgress figures={batch} />
        </div>
        {/* Always in the page: a live region announces what changes inside it, not what is there from the start. */}
        <div role="status">{paused && <p className="banner banner-warning">Uploads are paused. Jobs already on the server keep going.</p>}</div>
        {notice && (
          <div className="banner banner-error" role="alert">
            {notice}
            {/* The button takes itself away: hand focus to the main action first, not to the page. */}
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => {
                focusFallback();
                setNotice(null);
              }}
            >
              Dismiss
            </button>
          </div>
        )}
        <div className="content">
          {status === 'loading' && <p className="loading">Loading the queue…</p>}
          {status === 'error' && <p className="form-error">The queue could not be loaded: {loadError}</p>}
          {status === 'ready' &&
            (visibleIds.length === 0 ? (
              <EmptyState onAdd={() => void add.pick()} filtered={counts.all > 0} />
            ) : (
              <JobList ids={visibleIds} countingDown={countingDown} onAction={onAction} focus={focus} />
            ))}
        </div>
      </main>
      <DropOverlay visible={dragging} />
      {add.state.status !== 'closed' && (
        <AddDialog
          state={add.state}
          onClose={add.close}
          onSubmit={submitJob}
          previews={previews}
          onPreview={(index) =>
            add.state.status === 'ready' &&
            void viewer.open(
              add.state.inspection.accepted.map((file) => ({ source: { path: file.path }, name: file.name })),
              index,
            )
          }
        />
      )}
      {viewer.state && <PreviewDialog state={viewer.state} onPage={viewer.goPage} onDocument={viewer.goDocument} onClose={viewer.close} />}
      {refiling && (
        <RefileDialog
          job={refiling}
          onClose={() => setRefiling(null)}
          onSubmit={async (chartNumber) => {
            const answer = await bridge.refile({ id: refiling.id, chartNumber });
            if (!answer.ok) return answer.error.message;
            setRefiling(null);
            return null;
          }}
        />
      )}
      {results && <ResultsDialog job={results.job} state={results.state} onClose={() => setResults(null)} />}
      {settings && (
        <SettingsDialog initial={settings} onClose={() => setSettings(null)} onSave={(patch) => bridge.updateSettings(patch)} onSetToken={(token) => bridge.setToken(token)} onPickHotFolder={() => bridge.pickHotFolder()}
          onPickCaFile={() => bridge.pickCaFile()}
          onPickDialectFile={() => bridge.pickDialectFile()}
          onTestConnection={() => bridge.testConnection()}
          onOpenLogFolder={() => bridge.openLogFolder()}
          onSaveDiagnostics={() => bridge.saveDiagnostics()}
        />
      )}
      <LiveRegion announcement={announcement} />
    </div>
  );
}
