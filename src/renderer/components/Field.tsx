/** A labelled form field with its hint, or its problem (announced), under it; `${id}-note` is what the control's aria-describedby names. */
import type { ReactNode } from 'react';
import { LOCKED_NOTE } from './settingsForm';

export function Field({ id, label, hint, problem, locked, children }: { id: string; label: string; hint?: string; problem?: string; locked?: boolean; children: ReactNode }) {
  if (locked) hint = LOCKED_NOTE;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {problem ? (
        <p className="field-error" id={`${id}-note`} role="alert">
          {problem}
        </p>
      ) : hint ? (
        <p className="field-hint" id={`${id}-note`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
