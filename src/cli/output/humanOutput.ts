/**
 * Output for people. On a terminal: a live block with one line per active job,
 * redrawn at most every REDRAW_MS, with finished jobs printed above it. Not on
 * a terminal (a pipe, a log file): one plain line per meaningful event and no
 * progress chatter.
 */
import type { Clock } from '../../core/clock';
import { TimerGroup } from '../../core/base/timerGroup';
import type { ConnectionState } from '../../shared/connectionState';
import type { QueueJob } from '../../shared/queueJob';
import { describeConnection, describeFiles, describeJobState } from './describe';
import { LiveDisplay } from './liveDisplay';
import type { BatchProgress } from '../../core/connection/transport';
import type { JobResult, Reporter, TextSink } from './reporter';

export const REDRAW_MS = 100;

export interface HumanOutputOptions {
  out: TextSink;
  err: TextSink;
  /** True when stdout is a terminal: live display instead of plain lines. */
  live: boolean;
  columns?: () => number;
  clock: Clock;
}

export class HumanOutput implements Reporter {
  private readonly batchCompleted = new Map<string, number | null>();
  private readonly active = new Map<string, QueueJob>();
  /** A late progress tick must not bring a finished job back onto the screen. */
  private readonly finished = new Set<string>();
  private readonly display: LiveDisplay | null;
  private connectionStory: string | null = null;
  private connectionText = '';
  private readonly timers: TimerGroup;

  constructor(private readonly options: HumanOutputOptions) {
    this.display = options.live ? new LiveDisplay(options.out, options.columns ?? (() => 80)) : null;
    this.timers = new TimerGroup(options.clock);
  }

  queued(job: QueueJob): void {
    this.active.set(job.id, job);
    this.line(`queued     ${job.chartNumber}  ${describeFiles(job)}`);
  }

  progress(job: QueueJob): void {
    // A job resumed from a killed run was never "queued" in this one: show it all the same.
    if (this.finished.has(job.id)) return;
    this.active.set(job.id, job);
    this.scheduleRedraw();
  }

  retrying(job: QueueJob): void {
    this.active.set(job.id, job);
    if (this.display !== null) this.scheduleRedraw();
    else this.line(`retrying   ${job.chartNumber}  ${describeJobState(job, this.options.clock.now())}`);
  }

  uploaded(job: QueueJob): void {
    this.active.set(job.id, job);
    this.line(`uploaded   ${job.chartNumber}  server job ${job.jobId ?? '?'}`);
  }

  phase(job: QueueJob): void {
    this.active.set(job.id, job);
    // On a terminal the live line shows the phase; a permanent line per phase would scroll it away.
    if (this.display !== null) this.scheduleRedraw();
    else this.line(`phase      ${job.chartNumber}  ${describeJobState(job, this.options.clock.now())}`);
  }

  connection(state: ConnectionState): void {
    this.connectionText = state.state === 'connected' ? '' : describeConnection(state);
    // A reconnect loop flips between connecting and reconnecting every few seconds: one story,
    // told once. News is only: up, down, polling instead, refused, stopped.
    const story = state.state === 'connecting' ? this.connectionStory : state.state === 'reconnecting' ? 'down' : state.state;
    if (story !== this.connectionStory && story !== null) {
      this.connectionStory = story;
      this.line(`connection ${describeConnection(state)}`);
    } else this.scheduleRedraw();
  }

  batch(batch: BatchProgress): void {
    // One line per job that ended, not one per percent: the server sends an update with every change.
    if (batch.completed === this.batchCompleted.get(batch.batchId)) return;
    this.batchCompleted.set(batch.batchId, batch.completed);
    const of = batch.total === null ? '' : ` of ${batch.total}`;
    this.line(`batch      ${batch.completed ?? '?'}${of} done at the server${batch.progress === null ? '' : ` (${Math.round(batch.progress)}%)`}`);
  }

  done(result: JobResult): void {
    if (result.id !== null) {
      this.active.delete(result.id);
      this.finished.add(result.id);
    }
    const job = result.jobId !== null ? `  server job ${result.jobId}` : '';
    const message = result.message !== '' && result.outcome !== 'completed' ? `: ${result.message}` : '';
    const reasons = result.reasons.map((reason) => `\n             - ${reason}`).join('');
    const chart = result.chartNumber !== '' ? result.chartNumber : '(no chart)';
    this.line(`${result.outcome.padEnd(10)} ${chart}${job}${message}${reasons}`);
  }

  info(message: string): void {
    this.line(message);
  }

  warning(message: string): void {
    // Keep the live block intact: take it down, write to stderr, draw it again.
    this.display?.clear();
    this.options.err.write(`intake: warning: ${message}\n`);
    this.redrawNow();
  }

  close(results: readonly JobResult[]): void {
    this.timers.dispose();
    this.display?.clear();
    if (results.length === 0) return;
    const counts = new Map<string, number>();
    for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
    const parts = [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
    this.options.out.write(`${results.length} job${results.length === 1 ? '' : 's'}: ${parts}\n`);
  }

  private line(text: string): void {
    if (this.display === null) {
      this.options.out.write(`${text}\n`);
      return;
    }
    this.display.setLines(this.liveLines());
    this.display.printAbove(text);
  }

  private scheduleRedraw(): void {
    if (this.display === null) return;
    this.timers.ensure('redraw', REDRAW_MS, () => this.redrawNow());
  }

  private redrawNow(): void {
    if (this.display === null) return;
    this.display.setLines(this.liveLines());
    this.display.render();
  }

  private liveLines(): string[] {
    const now = this.options.clock.now();
    const lines = [...this.active.values()].map((job) => `  ${job.chartNumber}  ${describeJobState(job, now)}`);
    if (this.connectionText !== '') lines.push(`  (${this.connectionText})`);
    return lines;
  }
}
