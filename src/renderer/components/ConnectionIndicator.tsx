/**
 * The live link to the backend, in the header: a coloured dot and a few words,
 * naming the step that failed (DNS, proxy, credentials, TLS, WebSocket upgrade)
 * when the socket cannot be opened. The full sentence goes in the tooltip.
 * The pill itself is not a live region — its countdown changes every second;
 * screen readers hear only the news: offline, back online, sign-in refused.
 */
import { useState } from 'react';
import type { ConnectionState } from '../../shared/connectionState';
import { STEP_WORDS } from '../../shared/networkStep';
import { useNow } from '../hooks/useNow';

export interface ConnectionIndicatorProps {
  connection: ConnectionState;
  demoServer: boolean;
  onOpenSettings: () => void;
}

function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** " (proxy wants credentials)": the step the last attempt failed at, if it failed on the way. */
function failedStep(connection: ConnectionState): string {
  return 'problem' in connection && connection.problem ? ` (${STEP_WORDS[connection.problem.step]})` : '';
}

export function connectionLabel(connection: ConnectionState, now: number): { text: string; tone: string } {
  switch (connection.state) {
    case 'connecting':
      return { text: 'Connecting…', tone: 'pending' };
    case 'connected':
      return { text: 'Connected', tone: 'ok' };
    case 'reconnecting': {
      const wait = secondsUntil(connection.nextTryAt, now);
      return { text: `${wait > 0 ? `Reconnecting in ${wait} s` : 'Reconnecting…'}${failedStep(connection)}`, tone: 'warning' };
    }
    case 'polling': {
      const wait = secondsUntil(connection.nextTryAt, now);
      return { text: `Offline${failedStep(connection)} — polling for updates${wait > 0 ? ` · reconnecting in ${wait} s` : ''}`, tone: 'warning' };
    }
    case 'auth_failed':
      return { text: 'Sign-in refused by the server', tone: 'error' };
    case 'stopped':
      return { text: 'Stopped', tone: 'idle' };
  }
}

/** What a change of connection means to the user; `connecting` is a step on the way, not news. */
type Link = 'starting' | 'online' | 'offline' | 'refused' | 'stopped';

function linkOf(connection: ConnectionState, previous: Link): Link {
  switch (connection.state) {
    case 'connecting':
      return previous;
    case 'connected':
      return 'online';
    case 'reconnecting':
    case 'polling':
      return 'offline';
    case 'auth_failed':
      return 'refused';
    case 'stopped':
      return 'stopped';
  }
}

/** The sentence for going from `from` to `to`; the first connection of a start is not news. */
export function connectionNews(from: Link, to: Link): string {
  switch (to) {
    case 'online':
      return from === 'starting' ? '' : 'Connected to the server again.';
    case 'offline':
      return 'Connection to the server lost. Intake keeps trying and follows your jobs meanwhile.';
    case 'refused':
      return 'The server refused the sign-in. Check the token in settings.';
    default:
      return '';
  }
}

function useConnectionNews(connection: ConnectionState): string {
  const [seen, setSeen] = useState<{ link: Link; news: string }>(() => ({ link: linkOf(connection, 'starting'), news: '' }));
  const link = linkOf(connection, seen.link);
  if (link !== seen.link) setSeen({ link, news: connectionNews(seen.link, link) });
  return seen.news;
}

export function ConnectionIndicator({ connection, demoServer, onOpenSettings }: ConnectionIndicatorProps) {
  const counting = connection.state === 'reconnecting' || connection.state === 'polling';
  const now = useNow(500, counting);
  const label = connectionLabel(connection, now);
  const news = useConnectionNews(connection);
  return (
    <div className="connection" data-testid="connection" data-state={connection.state} data-step={'problem' in connection ? connection.problem?.step : undefined}>
      <span className={`connection-status tone-${label.tone}`} title={connection.reason}>
        <span className="dot" aria-hidden="true" />
        {label.text}
      </span>
      <span className="visually-hidden" role="status" data-testid="connection-news">
        {news}
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
