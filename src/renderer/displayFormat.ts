/** How sizes, speeds and durations read on screen ("43 MB", "2.1 MB/s", "1 min 5 s"). */

import { formatBytes } from '../shared/formatBytes';

export { formatBytes };

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Whole seconds under a minute, then "m s", then "h m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  // Tenths under ten seconds (phases often take 0.5 s or 1.5 s); "4 s", not "4.0 s".
  if (ms < 9_950) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function formatClock(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** "2 Dec, 09:14": when a document was sent, in the user's time zone. */
export function formatSentAt(ms: number): string {
  return new Date(ms).toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false });
}

/** The "Already sent?" warning of one checked file (a warning: it can still be sent). */
export function seenBeforeText(seen: { sentAt: number | null; chartNumber: string | null; twiceInDrop: boolean }): string {
  if (seen.sentAt === null) return 'In this drop twice';
  const sent = `Already sent on ${formatSentAt(seen.sentAt)} to chart ${seen.chartNumber ?? '?'}`;
  return seen.twiceInDrop ? `${sent}, and in this drop twice` : sent;
}
