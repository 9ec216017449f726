import { useLayoutEffect, useRef } from 'react';
import type { ConnectionState } from '../../shared/connectionState';
import { ConnectionIndicator } from './ConnectionIndicator';

export interface HeaderProps {
  connection: ConnectionState;
  demoServer: boolean;
  paused: boolean;
  finishedCount: number;
  onAdd: () => void;
  onTogglePause: () => void;
  onClearFinished: () => void;
  onOpenSettings: () => void;
}

export function Header(props: HeaderProps) {
  const clearRef = useRef<HTMLButtonElement>(null);
  const pauseRef = useRef<HTMLButtonElement>(null);
  const clearing = useRef(false);
  const nothingToClear = props.finishedCount === 0;
  // "Clear finished" disables itself once it has cleared; a disabled button loses focus to the
  // page, so hand it to the next button before a keyboard user is left nowhere.
  useLayoutEffect(() => {
    if (!nothingToClear || !clearing.current) return;
    clearing.current = false;
    const active = document.activeElement;
    if (active === clearRef.current || active === document.body || active === null) pauseRef.current?.focus();
  }, [nothingToClear]);
  const clearFinished = () => {
    clearing.current = true;
    props.onClearFinished();
  };

  return (
    <header className="header">
      <div className="brand">
        <span className="logo" aria-hidden="true" />
        <h1>Intake</h1>
      </div>
      <ConnectionIndicator connection={props.connection} demoServer={props.demoServer} onOpenSettings={props.onOpenSettings} />
      <div className="header-actions">
        <button ref={clearRef} type="button" className="btn btn-ghost" onClick={clearFinished} disabled={nothingToClear}>
          Clear finished
        </button>
        {/* The label says what a press does; aria-pressed as well would read "Resume uploads, pressed". */}
        <button ref={pauseRef} type="button" className="btn btn-ghost" onClick={props.onTogglePause}>
          {props.paused ? 'Resume uploads' : 'Pause uploads'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={props.onOpenSettings}>
          Settings
        </button>
        <button type="button" className="btn btn-primary" onClick={props.onAdd} data-focus-fallback>
          Add documents
        </button>
      </div>
    </header>
  );
}
