/**
 * "Sent to CH-… — Undo", for 10 s after a job was sent: the way back from a
 * wrong chart number. It sits in a polite live region that is always in the
 * page (so it is announced), right after the header (so Tab from the page's
 * main action reaches Undo next). Time does not run out under the user's
 * hands: while focus or the pointer is on the toast it stays, and goes when
 * they leave. After Undo it says what happened (removed, or cancelling at the
 * server) for a moment.
 */
import { useEffect, useRef, useState } from 'react';
import { focusFallback } from './focusFallback';

export const UNDO_WINDOW_MS = 10_000;
const RESULT_MS = 5_000;

export interface SentJob {
  /** The queue's id of the job just sent; a new object per send restarts the toast. */
  id: string;
  chartNumber: string;
}

export interface UndoToastProps {
  sent: SentJob | null;
  /** Resolves to what the undo did, or to an error message. */
  onUndo: (id: string) => Promise<{ ok: true; value: 'removed' | 'cancelling' } | { ok: false; message: string }>;
  onClose: () => void;
}

const RESULT_TEXT = {
  removed: (chart: string) => `Undone: nothing was sent to ${chart}.`,
  cancelling: (chart: string) => `Undone: the server is asked to cancel the job for ${chart}.`,
};

export function UndoToast({ sent, onUndo, onClose }: UndoToastProps) {
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);
  const [expired, setExpired] = useState(false);
  const [held, setHeld] = useState(false);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  // A new send starts over: no result, a full 10 s.
  const [shownFor, setShownFor] = useState<SentJob | null>(sent);
  if (shownFor !== sent) {
    setShownFor(sent);
    setResult(null);
    setExpired(false);
    setHeld(false);
  }

  useEffect(() => {
    if (sent === null) return;
    const timer = setTimeout(() => setExpired(true), result === null ? UNDO_WINDOW_MS : RESULT_MS);
    return () => clearTimeout(timer);
  }, [sent, result]);

  const closing = sent !== null && expired && !held;
  useEffect(() => {
    if (!closing) return;
    if (ref.current?.contains(document.activeElement)) focusFallback();
    onClose();
  }, [closing, onClose]);

  const undo = async () => {
    if (sent === null || busy) return;
    setBusy(true);
    const answer = await onUndo(sent.id);
    setBusy(false);
    // The Undo button goes away with the result: keep the keyboard user's place.
    focusFallback();
    setHeld(false);
    setExpired(false);
    setResult(answer.ok ? { text: RESULT_TEXT[answer.value](sent.chartNumber), error: false } : { text: answer.message, error: true });
  };

  return (
    <div className="toast-region" role="status" aria-live="polite">
      {sent !== null && (
        <div
          ref={ref}
          className={`toast${result?.error ? ' toast-error' : ''}`}
          data-testid="undo-toast"
          onFocus={() => setHeld(true)}
          onBlur={(event) => !ref.current?.contains(event.relatedTarget as Node | null) && setHeld(false)}
          onMouseEnter={() => setHeld(true)}
          onMouseLeave={() => setHeld(false)}
        >
          {result === null ? (
            <>
              <span className="toast-text">Sent to {sent.chartNumber}</span>
              <button type="button" className="btn btn-small toast-undo" onClick={() => void undo()} aria-label={`Undo sending to ${sent.chartNumber}`}>
                Undo
              </button>
            </>
          ) : (
            <span className="toast-text">{result.text}</span>
          )}
        </div>
      )}
    </div>
  );
}
