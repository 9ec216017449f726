/**
 * A modal dialog: Escape closes, Tab stays inside, focus goes to the first
 * field on open and back to where it was on close (keyboard users must not
 * lose their place in the list).
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { focusFallback } from './focusFallback';

export interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
  testId?: string;
  /** Keys for the dialog's own use (the preview's arrows), wherever focus is inside it; Escape and Tab stay the dialog's. */
  onKeys?: (event: KeyboardEvent) => void;
  className?: string;
}

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex="0"]';

export function Modal({ title, onClose, children, wide = false, testId, onKeys, className }: ModalProps) {
  const panelRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // Where focus was when the dialog was first rendered: read during render, because by the time
  // an effect runs a field inside may already have taken focus (autoFocus runs before effects).
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));

  useEffect(() => {
    const panel = panelRef.current;
    const first = panel?.querySelector<HTMLElement>('input, select, textarea') ?? panel?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? panel)?.focus();
    return () => returnFocus(opener);
  }, [opener]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab') onKeys?.(event);
    if (event.key !== 'Tab' || !panelRef.current) return;
    const items = [...panelRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0] as HTMLElement;
    const last = items[items.length - 1] as HTMLElement;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={panelRef}
        className={`modal${wide ? ' modal-wide' : ''}${className ? ` ${className}` : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <div className="modal-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="btn btn-icon" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

/**
 * Back to what opened the dialog; if that is gone (the empty state's button once a job exists)
 * or was nothing (a drop, a tray command), to the page's main action.
 */
function returnFocus(opener: HTMLElement | null): void {
  if (opener !== null && opener !== document.body && opener.isConnected && !opener.matches(':disabled')) opener.focus();
  else focusFallback();
}

export interface FormFooterProps {
  /** Why the last submit failed, announced; null when it did not. */
  error: string | null;
  onCancel: () => void;
  submitLabel: string;
  submitDisabled: boolean;
}

/** A dialog form's last lines: the submit error, Cancel, and the submit button. */
export function FormFooter({ error, onCancel, submitLabel, submitDisabled }: FormFooterProps) {
  return (
    <>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={submitDisabled}>
          {submitLabel}
        </button>
      </div>
    </>
  );
}
