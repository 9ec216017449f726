/**
 * Everything the engine reads over REST (§2): catch-up after an ack without
 * snapshot, a seq gap or a refused subscribe, and the polling fallback while
 * the socket is down. One place owns these requests so that a server or
 * token change (reset) cancels all of them and ignores their late answers.
 */
import type { Clock } from '../clock';
import type { Logger } from '../base/logger';
import type { StatusUpdate } from '../../shared/jobState';
import { CatchUpQueue } from './catchUpQueue';
import { readChartStatus } from './chartStatusReader';
import { Poller } from './poller';
import type { ConnectionTimings } from './timings';
import type { JobRecord } from './trackedJobs';
import type { Network } from '../network/network';
import type { Dialect } from '../../shared/dialect';

export interface RestFallbackOptions {
  clock: Clock;
  random: () => number;
  timings: ConnectionTimings;
  logger: Logger;
  fetchImpl: typeof fetch | undefined;
  server(): { baseUrl: string; token: string | null; network?: Network; dialect?: Dialect };
  openCharts(): Iterable<string>;
  jobsOfChart(chartNumber: string): Array<[string, JobRecord]>;
  apply(record: JobRecord, update: StatusUpdate): void;
  authFailed(reason: string): void;
  /** Every request sent, and every job read that rode on another job's request. */
  counted(kind: 'request' | 'shared', n: number): void;
}

export class RestFallback {
  private readonly poller: Poller;
  private catchUpQueue: CatchUpQueue;
  /** Bumped by reset(): answers of an older session are ignored. */
  private session = 0;

  constructor(private readonly options: RestFallbackOptions) {
    this.catchUpQueue = this.newCatchUpQueue();
    this.poller = new Poller({
      clock: options.clock,
      random: options.random,
      intervalMs: options.timings.pollIntervalMs,
      maxRequestsPerSecond: options.timings.pollMaxRequestsPerSecond,
      charts: () => options.openCharts(),
      read: (chart, signal) => this.readChart(chart, signal),
    });
  }

  catchUp(chartNumber: string): void {
    this.catchUpQueue.request(chartNumber);
  }

  get polling(): boolean {
    return this.poller.running;
  }

  /** Starts polling (if not yet) and looks for due charts now. */
  poll(): void {
    this.poller.start();
    this.poller.kick();
  }

  stopPolling(): void {
    this.poller.stop();
  }

  /** Cancels every request in flight or queued, and stops polling. */
  reset(): void {
    this.session += 1;
    this.poller.stop();
    this.catchUpQueue.cancelAll();
    this.catchUpQueue = this.newCatchUpQueue();
  }

  get pendingTimers(): number {
    return this.poller.pendingTimers;
  }

  private newCatchUpQueue(): CatchUpQueue {
    return new CatchUpQueue(this.options.timings.catchUpConcurrency, (chart, signal) => this.readChart(chart, signal));
  }

  private async readChart(chartNumber: string, signal: AbortSignal): Promise<void> {
    const session = this.session;
    const { baseUrl, token, network, dialect } = this.options.server();
    this.options.counted('request', 1);
    const outcome = await readChartStatus({
      baseUrl,
      readKey: chartNumber,
      ...(dialect !== undefined && { dialect }),
      token,
      fetchImpl: this.options.fetchImpl,
      network,
      signal,
      timeoutMs: this.options.timings.httpTimeoutMs,
    });
    if (session !== this.session) return;
    if (outcome.kind === 'auth') {
      this.options.authFailed(outcome.reason);
      return;
    }
    if (outcome.kind === 'error') {
      this.options.logger.debug('status read failed', { reason: outcome.reason });
      return;
    }
    let found = 0;
    for (const [jobId, record] of this.options.jobsOfChart(chartNumber)) {
      const snapshot = outcome.read(jobId);
      if (!snapshot) continue;
      found += 1;
      this.options.apply(record, snapshot);
    }
    if (found > 1) this.options.counted('shared', found - 1);
  }
}
