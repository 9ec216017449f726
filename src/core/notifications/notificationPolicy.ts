/**
 * What to tell the user, as a pure reducer: queue events and the time in,
 * decisions out. A job that ends opens a 3 s window; whatever ends inside it
 * is told together: one job gives one notification about it, several give one
 * summary ("5 jobs finished: 4 completed, 1 failed"), never a flood.
 * Intermediate phases and user cancels are never told.
 */
import type { QueueJob } from '../../shared/queueJob';
import type { QueueEvent } from '../queue/types';

export interface NotificationDecision {
  title: string;
  body: string;
  jobIds: string[];
  kind: 'completed' | 'failed' | 'blocked' | 'summary';
}

export interface NotificationOptions {
  /** Chart numbers identify patients: off means they appear nowhere in the text. */
  includeChartNumbers: boolean;
  /** Default 3000 ms. */
  windowMs?: number;
}

interface Ended {
  id: string;
  chartNumber: string;
  outcome: 'completed' | 'failed' | 'blocked';
  message: string;
  documents: number;
}

export interface NotificationState {
  readonly ended: readonly Ended[];
  /** When the open window closes; null when nothing is waiting. */
  readonly flushAt: number | null;
}

export const initialNotificationState: NotificationState = { ended: [], flushAt: null };

export type NotificationInput = { type: 'event'; event: QueueEvent; at: number } | { type: 'tick'; at: number };

export interface NotificationStep {
  state: NotificationState;
  decisions: NotificationDecision[];
}

export const DEFAULT_WINDOW_MS = 3000;
const CHARTS_LISTED_IN_SUMMARY = 5;

export function coalesceNotifications(state: NotificationState, input: NotificationInput, options: NotificationOptions): NotificationStep {
  let next = state;
  if (input.type === 'event') {
    const ended = endedOf(input.event);
    if (ended !== null) {
      // The same job ending twice in one window (failed, reopened, failed) is told once, as it ended last.
      next = {
        ended: [...state.ended.filter((entry) => entry.id !== ended.id), ended],
        flushAt: state.flushAt ?? input.at + (options.windowMs ?? DEFAULT_WINDOW_MS),
      };
    }
  }
  if (next.flushAt === null || input.at < next.flushAt) return { state: next, decisions: [] };
  return { state: initialNotificationState, decisions: [decide(next.ended, options)] };
}

function endedOf(event: QueueEvent): Ended | null {
  if (event.type !== 'done') return null;
  const { job } = event;
  if (job.stage === 'completed') return ended(job, 'completed');
  if (job.stage === 'failed' || job.stage === 'rejected') return ended(job, 'failed');
  if (job.stage === 'blocked') return ended(job, 'blocked');
  return null; // cancelled: the user did it and knows
}

function ended(job: QueueJob, outcome: Ended['outcome']): Ended {
  return { id: job.id, chartNumber: job.chartNumber, outcome, message: job.error?.message ?? '', documents: job.files.length };
}

function decide(entries: readonly Ended[], options: NotificationOptions): NotificationDecision {
  const jobIds = entries.map((entry) => entry.id);
  if (entries.length === 1) {
    const entry = entries[0]!;
    const prefix = options.includeChartNumbers ? `Chart ${entry.chartNumber}: ` : '';
    if (entry.outcome === 'completed') {
      const documents = entry.documents === 1 ? '1 document' : `${entry.documents} documents`;
      return { kind: 'completed', title: 'Job completed', body: `${prefix}${documents} processed.`, jobIds };
    }
    const reason = options.includeChartNumbers ? entry.message : withoutChartNumber(entry.message, entry.chartNumber);
    if (entry.outcome === 'blocked') {
      // Not a failure: the backend's quality check holds it, and someone has to look (seed 004's BLOCKED).
      return { kind: 'blocked', title: 'Job needs review', body: `${prefix}held by a quality check; a person needs to look at it.`, jobIds };
    }
    return { kind: 'failed', title: 'Job failed', body: `${prefix}${reason || 'The documents could not be processed.'}`, jobIds };
  }
  const completed = entries.filter((entry) => entry.outcome === 'completed').length;
  const blocked = entries.filter((entry) => entry.outcome === 'blocked').length;
  const failed = entries.length - completed - blocked;
  const parts = [completed > 0 ? `${completed} completed` : null, failed > 0 ? `${failed} failed` : null, blocked > 0 ? `${blocked} need review` : null].filter(Boolean);
  let body = `${entries.length} jobs finished: ${parts.join(', ')}.`;
  if (options.includeChartNumbers) {
    const charts = [...new Set(entries.map((entry) => entry.chartNumber))];
    const listed = charts.slice(0, CHARTS_LISTED_IN_SUMMARY).join(', ');
    const more = charts.length > CHARTS_LISTED_IN_SUMMARY ? ` and ${charts.length - CHARTS_LISTED_IN_SUMMARY} more` : '';
    body += ` Charts: ${listed}${more}.`;
  }
  return { kind: 'summary', title: `${entries.length} jobs finished`, body, jobIds };
}

/** A server message may quote the chart number; with the option off it must not reach the screen. */
function withoutChartNumber(message: string, chartNumber: string): string {
  return chartNumber.length === 0 ? message : message.split(chartNumber).join('[chart]');
}
