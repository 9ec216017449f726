/**
 * What the tray shows, decided from the queue, the connection and the pause
 * switch alone. Pure: main renders the result with Electron's Tray and Menu,
 * tests assert it directly.
 */
import type { ConnectionState } from '../../shared/connectionState';
import { phaseLabel } from '../../shared/phases';
import { isFinishedStage, type QueueJob } from '../../shared/queueJob';
import { restartLabel } from '../updates/updateController';

export type TrayIcon = 'idle' | 'working' | 'error' | 'offline';

export type TrayAction = 'show' | 'pause' | 'resume' | 'settings' | 'openLogs' | 'saveDiagnostics' | 'installUpdate' | 'quit';
export type TrayMenuItem =
  | { kind: 'action'; action: TrayAction; label: string }
  | { kind: 'job'; id: string; label: string }
  | { kind: 'label'; label: string }
  | { kind: 'separator' };

export interface TrayModel {
  icon: TrayIcon;
  tooltip: string;
  menu: TrayMenuItem[];
}

export interface TrayInput {
  jobs: readonly QueueJob[];
  connection: ConnectionState;
  paused: boolean;
  /**
   * Epoch ms when the user last looked at the window. Failures after it are
   * "unseen" and turn the icon red; older ones are history, or the tray would
   * stay red forever after one failed job.
   */
  seenUntil: number;
  /** Chart numbers can identify patients: shown only when the user allows it. */
  showChartNumbers: boolean;
  /** A downloaded update waiting for a restart; absent or null when none. */
  updateVersion?: string | null;
}

export const RECENT_JOBS_IN_MENU = 5;

const OFFLINE_STATES = new Set<ConnectionState['state']>(['reconnecting', 'polling', 'stopped']);

export function trayModel(input: TrayInput): TrayModel {
  const counts = countJobs(input.jobs, input.seenUntil);
  const open = counts.queued + counts.uploading + counts.processing;
  return {
    icon: chooseIcon(input, counts.unseenFailures, open),
    tooltip: tooltipText(input, counts, open),
    menu: menuItems(input),
  };
}

interface JobCounts {
  queued: number;
  uploading: number;
  processing: number;
  unseenFailures: number;
}

function countJobs(jobs: readonly QueueJob[], seenUntil: number): JobCounts {
  const counts: JobCounts = { queued: 0, uploading: 0, processing: 0, unseenFailures: 0 };
  for (const job of jobs) {
    if (job.stage === 'queued') counts.queued++;
    else if (job.stage === 'uploading') counts.uploading++;
    else if (job.stage === 'tracking') counts.processing++;
    else if ((job.stage === 'failed' || job.stage === 'rejected') && job.updatedAt > seenUntil) counts.unseenFailures++;
  }
  return counts;
}

/** Error beats offline beats working; idle only when nothing is open (never "done" with work pending). */
function chooseIcon(input: TrayInput, unseenFailures: number, open: number): TrayIcon {
  if (input.connection.state === 'auth_failed' || unseenFailures > 0) return 'error';
  if (OFFLINE_STATES.has(input.connection.state)) return 'offline';
  return open > 0 ? 'working' : 'idle';
}

function tooltipText(input: TrayInput, counts: JobCounts, open: number): string {
  const parts: string[] = [];
  if (counts.uploading) parts.push(`${counts.uploading} uploading`);
  if (counts.queued) parts.push(`${counts.queued} waiting`);
  if (counts.processing) parts.push(`${counts.processing} processing`);
  if (counts.unseenFailures) parts.push(`${counts.unseenFailures} failed`);
  // Every open job is counted in a part above, so no part means nothing is open.
  const summary = parts.length > 0 ? parts.join(' · ') : 'all done';
  const lines = [`Intake — ${summary}`];
  if (input.paused && open > 0) lines.push('Uploads paused');
  const connection = connectionLine(input.connection);
  if (connection) lines.push(connection);
  return lines.join('\n');
}

function connectionLine(connection: ConnectionState): string | null {
  switch (connection.state) {
    case 'reconnecting':
      return 'Offline — reconnecting';
    case 'polling':
      return 'Offline — following jobs over HTTP';
    case 'auth_failed':
      return 'Sign-in refused by the server — check the token in Settings';
    case 'stopped':
      return 'Not connected';
    default:
      return null;
  }
}

function menuItems(input: TrayInput): TrayMenuItem[] {
  const recent = [...input.jobs].sort((a, b) => b.createdAt - a.createdAt).slice(0, RECENT_JOBS_IN_MENU);
  const items: TrayMenuItem[] = [{ kind: 'action', action: 'show', label: 'Show Intake' }, { kind: 'separator' }];
  if (recent.length === 0) items.push({ kind: 'label', label: 'No jobs yet' });
  for (const job of recent) items.push({ kind: 'job', id: job.id, label: jobLabel(job, input.showChartNumbers) });
  items.push(
    { kind: 'separator' },
    input.paused
      ? { kind: 'action', action: 'resume', label: 'Resume uploads' }
      : { kind: 'action', action: 'pause', label: 'Pause uploads' },
    { kind: 'action', action: 'settings', label: 'Settings…' },
    { kind: 'action', action: 'openLogs', label: 'Open log folder' },
    { kind: 'action', action: 'saveDiagnostics', label: 'Save diagnostics…' },
    { kind: 'separator' },
    ...(input.updateVersion ? [{ kind: 'action', action: 'installUpdate', label: restartLabel(input.updateVersion) } as const] : []),
    { kind: 'action', action: 'quit', label: 'Quit Intake' },
  );
  return items;
}

export function jobLabel(job: QueueJob, showChartNumber: boolean): string {
  const files = `${job.files.length} ${job.files.length === 1 ? 'file' : 'files'}`;
  const who = showChartNumber ? `${job.chartNumber} (${files})` : files;
  return `${who} — ${stageText(job)}`;
}

function stageText(job: QueueJob): string {
  switch (job.stage) {
    case 'queued':
      return 'waiting';
    case 'uploading': {
      const progress = job.upload;
      if (!progress || progress.totalBytes <= 0) return 'uploading';
      // Tens of percent: every new label rebuilds the native menu, and finer steps would rebuild it several times a second.
      return `uploading ${Math.floor((progress.sentBytes / progress.totalBytes) * 10) * 10}%`;
    }
    case 'tracking': {
      const server = job.server;
      if (!server) return 'processing';
      if (server.status === 'failed' && server.willRetry) {
        return server.attempt && server.maxAttempts ? `retrying (attempt ${server.attempt} of ${server.maxAttempts})` : 'retrying';
      }
      return phaseLabel(server.phase);
    }
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    case 'rejected':
      return 'rejected';
    case 'blocked':
      return 'blocked: needs a person';
  }
}

/** Jobs still being worked on (the dock badge count). */
export function openJobCount(jobs: readonly QueueJob[]): number {
  return jobs.filter((job) => !isFinishedStage(job.stage)).length;
}
