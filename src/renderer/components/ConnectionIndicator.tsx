/**
 * The live link to the backend, in the header: a coloured dot and a few words.
 * The reason from the connection manager goes in the tooltip, for support calls.
 */
import type { ConnectionState } from '../../shared/connectionState';
import { useNow } from '../hooks/useNow';

export interface ConnectionIndicatorProps {
  connection: ConnectionState;
  demoServer: boolean;
  onOpenSettings: () => void;
}

function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

export function connectionLabel(connection: ConnectionState, now: number): { text: string; tone: string } {
  switch (connection.state) {
    case 'connecting':
      return { text: 'Connecting…', tone: 'pending' };
    case 'connected':
      return { text: 'Connected', tone: 'ok' };
    case 'reconnecting': {
      const wait = secondsUntil(connection.nextTryAt, now);
      return { text: wait > 0 ? `Reconnecting in ${wait} s` : 'Reconnecting…', tone: 'warning' };
    }
    case 'polling': {
      const wait = secondsUntil(connection.nextTryAt, now);
      return { text: `Offline — polling for updates${wait > 0 ? ` · reconnecting in ${wait} s` : ''}`, tone: 'warning' };
    }
    case 'auth_failed':
      return { text: 'Sign-in refused by the server', tone: 'error' };
    case 'stopped':
      return { text: 'Stopped', tone: 'idle' };
  }
}

export function ConnectionIndicator({ connection, demoServer, onOpenSettings }: ConnectionIndicatorProps) {
  const counting = connection.state === 'reconnecting' || connection.state === 'polling';
  const now = useNow(500, counting);
  const label = connectionLabel(connection, now);
  return (
    <div className="connection" data-testid="connection" data-state={connection.state}>
      <span className={`connection-status tone-${label.tone}`} role="status" title={connection.reason}>
        <span className="dot" aria-hidden="true" />
        {label.text}
      </span>
      {connection.state === 'auth_failed' && (
        <button type="button" className="btn btn-small btn-danger" onClick={onOpenSettings}>
          Check token in settings
        </button>
      )}
      {demoServer && (
        <span className="badge" title="Jobs go to the demo server built into Intake, not to your backend. Set a server URL in settings.">
          Demo server
        </span>
      )}
    </div>
  );
}
