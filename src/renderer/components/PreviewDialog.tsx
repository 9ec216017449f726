/**
 * The large preview: one page at a time, ← → (and Home/End) through the
 * pages, ↑ ↓ through the documents; the position is announced. A document
 * that cannot be shown says why and that it can still be sent.
 */
import type { KeyboardEvent } from 'react';
import { plural } from '../displayFormat';
import type { ViewerState } from '../hooks/usePreviewViewer';
import { PageCanvas } from '../preview/PageCanvas';
import { Modal } from './Modal';
import '../styles/preview.css';

export interface PreviewDialogProps {
  state: ViewerState;
  onPage: (page: number) => void;
  onDocument: (index: number) => void;
  onClose: () => void;
}

export function PreviewDialog({ state, onPage, onDocument, onClose }: PreviewDialogProps) {
  const document = state.documents[state.index];
  const name = document?.name ?? '';
  const count = state.pageCount;
  const several = state.documents.length > 1;

  const onKeys = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (target.tagName === 'INPUT' || target.tagName === 'SELECT') return;
    const last = (count ?? 1) - 1;
    const moves: Record<string, () => void> = {
      ArrowRight: () => onPage(state.page + 1),
      ArrowLeft: () => onPage(state.page - 1),
      PageDown: () => onPage(state.page + 1),
      PageUp: () => onPage(state.page - 1),
      Home: () => onPage(0),
      End: () => onPage(last),
      ArrowDown: () => onDocument(state.index + 1),
      ArrowUp: () => onDocument(state.index - 1),
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    move();
  };

  const position = count === null ? (state.error ? 'Cannot be shown' : 'Opening…') : `Page ${state.page + 1} of ${count}`;
  return (
    <Modal title={name} onClose={onClose} wide testId="preview-dialog" onKeys={onKeys} className="preview-modal">
      <div className="preview-stage" data-loading={state.loading}>
        {state.image && !state.error && <PageCanvas image={state.image} className="preview-page" label={`Page ${state.page + 1} of ${name}`} />}
        {state.error && (
          <p className="preview-error" role="alert">
            {state.error}
          </p>
        )}
        {!state.image && !state.error && <p className="preview-loading">Opening the document…</p>}
      </div>
      {/* aria-disabled, not disabled: a button that disables itself under focus would drop focus out of the dialog. */}
      <div className="preview-nav">
        <button type="button" className="btn" onClick={() => onPage(state.page - 1)} aria-disabled={count === null || state.page === 0} aria-label="Previous page">
          ‹ Previous
        </button>
        <p className="preview-position" aria-live="polite">
          {position}
          {several && <span className="muted"> · document {state.index + 1} of {state.documents.length}</span>}
        </p>
        <button type="button" className="btn" onClick={() => onPage(state.page + 1)} aria-disabled={count === null || state.page >= count - 1} aria-label="Next page">
          Next ›
        </button>
      </div>
      {several && (
        <div className="preview-documents">
          <button type="button" className="btn btn-small btn-ghost" onClick={() => onDocument(state.index - 1)} aria-disabled={state.index === 0}>
            ↑ Previous document
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => onDocument(state.index + 1)} aria-disabled={state.index >= state.documents.length - 1}>
            Next document ↓
          </button>
        </div>
      )}
      <p className="preview-keys field-hint">
        ← → {count !== null && count > 1 ? `${plural(count, 'page')}` : 'pages'}
        {several ? ' · ↑ ↓ documents' : ''} · Esc closes
      </p>
    </Modal>
  );
}
