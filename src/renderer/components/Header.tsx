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
  return (
    <header className="header">
      <div className="brand">
        <span className="logo" aria-hidden="true" />
        <h1>Intake</h1>
      </div>
      <ConnectionIndicator connection={props.connection} demoServer={props.demoServer} onOpenSettings={props.onOpenSettings} />
      <div className="header-actions">
        <button type="button" className="btn btn-ghost" onClick={props.onClearFinished} disabled={props.finishedCount === 0}>
          Clear finished
        </button>
        <button type="button" className="btn btn-ghost" onClick={props.onTogglePause} aria-pressed={props.paused}>
          {props.paused ? 'Resume uploads' : 'Pause uploads'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={props.onOpenSettings}>
          Settings
        </button>
        <button type="button" className="btn btn-primary" onClick={props.onAdd}>
          Add documents
        </button>
      </div>
    </header>
  );
}
