/**
 * The live job tracking engine: ONE WebSocket for all jobs, reconnecting
 * forever, subscriptions kept as a wanted set, REST catch-up and a polling
 * fallback, every status through the shared state machine (PROTOCOL.md,
 * DESIGN.md "Reliability rules").
 */
import type { Disposable } from '../base/lifecycle';
import { deriveWebSocketUrl } from '../../shared/serverUrl';
import type { ServerJobState, StatusUpdate } from '../../shared/jobState';
import type { ConnectionState } from '../../shared/connectionState';
import type { NetworkProblem } from '../../shared/networkStep';
import { systemClock, type Clock } from '../clock';
import { silentLogger, type Logger } from '../base/logger';
import { backoffDelay } from './backoff';
import { FrameRouter } from './frameRouter';
import { ListenerSet } from '../base/listenerSet';
import { RestFallback } from './restFallback';
import type { BatchProgress, DownReason, Transport, TransportEvents } from './transport';
import { openTransport } from './openTransport';
import { readKeyOf } from './chartStatusReader';
import { INTAKE_DIALECT, deriveSocketIoUrl, isSocketIoDialect, type Dialect } from '../../shared/dialect';
import { SubscriptionChannel } from './subscriptionChannel';
import { TimerGroup } from '../base/timerGroup';
import { DEFAULT_CONNECTION_TIMINGS, type ConnectionTimings } from './timings';
import type { ConnectionManagerOptions, ConnectionStats, ConnectionTarget } from './connectionOptions';
import { TrackedJobs, type JobRecord, type UpdateSource } from './trackedJobs';
import { defaultNetwork } from '../network/network';

export type { ConnectionManagerOptions, ConnectionStats, ConnectionTarget } from './connectionOptions';

export class ConnectionManager {
  readonly stats: ConnectionStats = {
    badFrames: 0,
    httpRequests: 0,
    reconnects: 0,
    subscribesSent: 0,
    duplicatesDropped: 0,
    staleDropped: 0,
    requestsSavedBySharing: 0,
  };
  readonly timings: Readonly<ConnectionTimings>;

  /** Handed in whole by the engine (its server of record); never edited field by field. */
  private server: Required<ConnectionTarget>;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: Logger;

  private readonly jobs = new TrackedJobs();
  private readonly timers: TimerGroup;
  private readonly rest: RestFallback;
  private readonly frames: FrameRouter;
  private readonly stateListeners: ListenerSet<ConnectionState>;
  private readonly jobListeners: ListenerSet<ServerJobState>;
  private readonly batchListeners: ListenerSet<BatchProgress>;
  /** Batches followed (seed 004): subscribed on every new connection of a dialect that has them. */
  private readonly batches = new Set<string>();

  private current: ConnectionState = { state: 'stopped', reason: 'not started' };
  private running = false;
  private authFailed = false;
  /** The step the last attempt failed at (shown until the socket is open again). */
  private problem: NetworkProblem | null = null;
  private generation: Transport | null = null;
  private channel: SubscriptionChannel | null = null;
  private generationCount = 0;
  /** n of the backoff rule: consecutive failed connections. */
  private attempt = 0;
  private nextTryAt = 0;

  constructor(options: ConnectionManagerOptions) {
    this.server = resolveTarget(options);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
    this.timings = Object.freeze({ ...DEFAULT_CONNECTION_TIMINGS, ...options.timings });
    this.timers = new TimerGroup(this.clock);
    const reportListenerError = (error: unknown): void =>
      this.logger.error('a tracking listener threw', { error: error instanceof Error ? error.message : String(error) });
    this.stateListeners = new ListenerSet(reportListenerError);
    this.jobListeners = new ListenerSet(reportListenerError);
    this.batchListeners = new ListenerSet(reportListenerError);
    this.frames = new FrameRouter({
      jobs: this.jobs,
      logger: this.logger,
      apply: (record, update, source) => this.applyUpdate(record, update, source),
      catchUp: (chart) => this.rest.catchUp(chart),
      badFrame: (reason) => this.countBadFrame(reason),
      batch: (batch) => this.batchListeners.emit(batch),
    });
    this.rest = new RestFallback({
      clock: this.clock,
      random: this.random,
      timings: this.timings,
      logger: this.logger,
      fetchImpl: options.fetchImpl,
      server: () => this.server,
      openCharts: () => this.jobs.openCharts(),
      jobsOfChart: (chart) => this.jobs.ofChart(chart),
      apply: (record, update) => this.applyUpdate(record, update, 'state'),
      authFailed: (reason) => this.enterAuthFailed(reason),
      counted: (kind, n) => {
        if (kind === 'request') this.stats.httpRequests += n;
        else this.stats.requestsSavedBySharing += n;
      },
    });
  }

  get state(): ConnectionState {
    return this.current;
  }

  job(jobId: string): ServerJobState | undefined {
    return this.jobs.get(jobId)?.state;
  }

  onState(listener: (state: ConnectionState) => void): Disposable {
    return this.stateListeners.add(listener);
  }

  /** Every applied change of a tracked job (after the shared state machine). */
  onJob(listener: (job: ServerJobState) => void): Disposable {
    return this.jobListeners.add(listener);
  }

  /** Seed 004's `batch:update` of a followed batch, as the server sent it. */
  onBatch(listener: (batch: BatchProgress) => void): Disposable {
    return this.batchListeners.add(listener);
  }

  /** Follows a batch's progress (dialects with batches); a no-op elsewhere. */
  followBatch(batchId: string): void {
    if (this.batches.has(batchId)) return;
    this.batches.add(batchId);
    if (this.generation?.isOpen) this.generation.subscribeBatch(batchId);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.authFailed = false;
    this.attempt = 0;
    this.connect('starting');
  }

  /** Ends tracking: the socket closes, timers and polling stop. start() may begin again. */
  async dispose(): Promise<void> {
    if (!this.running && !this.generation) return;
    this.running = false;
    this.resetSession();
    const closed = this.dropGeneration();
    this.setState({ state: 'stopped', reason: 'stopped' });
    await closed;
  }

  track(jobId: string, info: { chartNumber: string; batchId?: string }, known?: ServerJobState): void {
    if (info.batchId !== undefined && isSocketIoDialect(this.server.dialect) && this.server.dialect.events.subscribeBatch !== null) this.followBatch(info.batchId);
    if (!this.jobs.track(jobId, readKeyOf(this.server.dialect, jobId, info.chartNumber), known)) return;
    this.channel?.sendNextBatch();
    this.refresh('a job was added');
  }

  untrack(jobId: string): void {
    if (!this.jobs.untrack(jobId)) return;
    this.channel?.unsubscribe(jobId);
    this.refresh('a job was removed');
  }

  /** OS resume or network online: test the socket now, or stop waiting for the backoff. */
  nudge(): void {
    if (!this.running || this.authFailed) return;
    if (this.generation?.isOpen) this.generation.probe();
    else if (!this.generation) this.connect('nudged while waiting to reconnect');
  }

  /**
   * Another server or token, without a restart of the app: every wanted job is subscribed on the new
   * socket. The same target again changes nothing, unless the token was refused (then it is tried again).
   */
  setServer(target: ConnectionTarget): void {
    // Resolved first: a URL that cannot be parsed throws here and changes nothing.
    const next = resolveTarget(target);
    const previous = this.server;
    const sameNetwork = next.network === previous.network;
    const same = next.baseUrl === previous.baseUrl && next.wsUrl === previous.wsUrl && next.token === previous.token && next.dialect === previous.dialect;
    if (same && sameNetwork && !this.authFailed) return;
    this.server = next;
    this.restart(next.token !== previous.token ? 'token changed' : sameNetwork ? 'server changed' : 'network settings changed');
  }

  /** For tests and diagnostics: timers this engine holds right now (manager, poller, socket generation). */
  get pendingTimers(): number {
    return this.timers.size + this.rest.pendingTimers + (this.generation?.timers.size ?? 0);
  }

  /** For tests and diagnostics: the live socket generation, if any. */
  get currentGeneration(): Transport | null {
    return this.generation;
  }

  // ---- connection lifecycle ---------------------------------------------------

  private restart(reason: string): void {
    if (!this.running) return;
    this.resetSession();
    void this.dropGeneration();
    this.authFailed = false;
    this.problem = null;
    this.attempt = 0;
    this.connect(reason);
  }

  /** Cancels everything bound to the current server/token: timers, polling, REST in flight. */
  private resetSession(): void {
    this.timers.clearAll();
    this.rest.reset();
  }

  /** Ends the current socket generation (listeners, timers, socket); resolves once it is closed. */
  private dropGeneration(): Promise<void> {
    const generation = this.generation;
    this.generation = null;
    this.channel = null;
    return generation?.dispose() ?? Promise.resolve();
  }

  private connect(reason: string): void {
    this.timers.clear('reconnect');
    // One connect attempt at a time: a generation that exists is either open or trying.
    if (!this.running || this.authFailed || this.generation) return;
    this.generationCount += 1;
    this.nextTryAt = this.clock.now();
    try {
      this.generation = openTransport({
        id: this.generationCount,
        url: this.server.wsUrl,
        token: this.server.token,
        dialect: this.server.dialect,
        network: this.server.network,
        clock: this.clock,
        timings: this.timings,
        events: this.generationEvents,
      });
    } catch (error) {
      // ws throws at once on a URL it cannot use; that is a failed attempt, not a crash.
      this.logger.error('cannot open the WebSocket', { error: error instanceof Error ? error.message : String(error) });
      this.scheduleReconnect('the WebSocket URL cannot be used');
      return;
    }
    this.channel = new SubscriptionChannel(this.generation, {
      batchSize: this.timings.subscribeBatchSize,
      ackTimeoutMs: this.generation.missingAck === 'assume' ? this.timings.assumeJoinAfterMs : this.timings.ackTimeoutMs,
      wanted: () => this.jobs.wantedIds(),
      onSubscribeSent: () => (this.stats.subscribesSent += 1),
      assumed: (jobId) => {
        const record = this.jobs.get(jobId);
        if (record) this.rest.catchUp(record.chartNumber);
      },
    });
    this.refresh(reason);
  }

  private readonly generationEvents: TransportEvents = {
    open: (generation) => {
      if (generation !== this.generation) return;
      this.problem = null;
      this.rest.stopPolling();
      this.refresh('socket open');
      for (const batchId of this.batches) generation.subscribeBatch(batchId);
      this.channel?.sendNextBatch();
    },
    inbound: (generation, message) => {
      // Listeners go with their generation; this check is the second line of defence.
      if (generation !== this.generation || !this.channel) return;
      this.frames.route(this.channel, message);
    },
    down: (generation, why) => this.handleDown(generation, why),
    healthy: (generation) => {
      if (generation === this.generation) this.attempt = 0;
    },
  };

  private handleDown(generation: Transport, why: DownReason): void {
    if (generation !== this.generation) return;
    this.generation = null;
    this.channel = null;
    if (why.badFrame) this.countBadFrame('too_large');
    this.problem = why.problem ?? null;
    if (why.auth) {
      this.enterAuthFailed(why.reason);
      return;
    }
    if (!this.running) return;
    this.stats.reconnects += 1;
    this.logger.info('connection lost', { reason: why.reason, attempt: this.attempt });
    if (why.immediate) this.connect(`reconnecting at once: ${why.reason}`);
    else this.scheduleReconnect(why.reason);
  }

  private scheduleReconnect(reason: string): void {
    const delay = backoffDelay(this.attempt, { baseMs: this.timings.backoffBaseMs, capMs: this.timings.backoffCapMs }, this.random);
    this.attempt += 1;
    this.nextTryAt = this.clock.now() + delay;
    this.timers.set('reconnect', delay, () => this.connect(`reconnect attempt ${this.attempt}`));
    this.refresh(reason);
  }

  private enterAuthFailed(reason: string): void {
    this.authFailed = true;
    this.resetSession();
    void this.dropGeneration();
    this.logger.warn('authentication failed; waiting for a new token', { reason });
    this.refresh(reason);
  }

  /** Derives the observable state (and whether to poll) from the facts, and emits it if it changed. */
  private refresh(reason: string): void {
    if (!this.running) return;
    if (this.authFailed) {
      this.setState({ state: 'auth_failed', reason });
      return;
    }
    const generation = this.generation;
    if (generation?.isOpen) {
      this.rest.stopPolling();
      this.setState({ state: 'connected', reason });
      return;
    }
    // Poll only once a connection has failed (not during the very first attempt),
    // and only while there is something open to follow.
    const shouldPoll = this.jobs.wantedCount > 0 && (generation === null || this.rest.polling);
    if (shouldPoll) this.rest.poll();
    else this.rest.stopPolling();
    // While an attempt runs, nextTryAt is when it started: the try is happening now.
    const nextTryAt = this.nextTryAt;
    const problem = this.problem ? { problem: this.problem } : {};
    if (this.rest.polling) this.setState({ state: 'polling', reason, nextTryAt, attempt: this.attempt, ...problem });
    else if (generation) this.setState({ state: 'connecting', reason, ...problem });
    else this.setState({ state: 'reconnecting', reason, nextTryAt, attempt: this.attempt, ...problem });
  }

  private setState(next: ConnectionState): void {
    const prev = this.current;
    // A new reason alone is not a change (track() while connected must not emit 200 events).
    if (sameState(prev, next)) return;
    this.current = next;
    if (prev.state !== next.state) this.logger.info('connection state', { state: next.state, reason: next.reason });
    this.stateListeners.emit(next);
  }

  // ---- frames and updates -------------------------------------------------------

  private applyUpdate(record: JobRecord, update: StatusUpdate, source: UpdateSource): void {
    const result = this.jobs.apply(record, update);
    if (result.outcome === 'duplicate') this.stats.duplicatesDropped += 1;
    else if (result.outcome === 'stale' || result.outcome === 'final') this.stats.staleDropped += 1;
    if (result.outcome !== 'applied') return;
    this.jobListeners.emit(result.job);
    // Only a gap in the stream means frames were missed; catching up after a full-state read would just read it again.
    if (result.gap && source === 'stream') this.rest.catchUp(record.chartNumber);
    if (result.change === 'completed') {
      this.channel?.unsubscribe(update.jobId);
      this.refresh('a job completed');
    } else if (result.change === 'closed') {
      // Final failure: not resubscribed on the next socket, but the subscription on
      // this one stays, so a retry the server decides on later is still seen.
      this.refresh('a job failed');
    } else if (result.change === 'reopened') {
      this.channel?.sendNextBatch();
      this.refresh('a job was retried by the server');
    }
  }

  private countBadFrame(reason: string): void {
    this.stats.badFrames += 1;
    this.logger.warn('dropped a bad frame', { reason });
  }
}

function resolveTarget(target: ConnectionTarget): Required<ConnectionTarget> {
  const dialect: Dialect = target.dialect ?? INTAKE_DIALECT;
  return {
    baseUrl: target.baseUrl,
    wsUrl: target.wsUrl ?? (isSocketIoDialect(dialect) ? deriveSocketIoUrl(target.baseUrl) : deriveWebSocketUrl(target.baseUrl)),
    token: target.token ?? null,
    network: target.network ?? defaultNetwork(),
    dialect,
  };
}

function sameState(a: ConnectionState, b: ConnectionState): boolean {
  if (a.state !== b.state) return false;
  const problemOf = (state: ConnectionState): string => ('problem' in state && state.problem ? `${state.problem.step} ${state.problem.message}` : '');
  if (problemOf(a) !== problemOf(b)) return false;
  if ((a.state === 'reconnecting' || a.state === 'polling') && (b.state === 'reconnecting' || b.state === 'polling')) {
    return a.nextTryAt === b.nextTryAt && a.attempt === b.attempt;
  }
  return true;
}
