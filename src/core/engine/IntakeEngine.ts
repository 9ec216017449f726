/**
 * The one engine: the only owner of the server of record, the upload queue,
 * the connection, the hot-folder supervisor and the notification policy.
 * Main, the CLI and the e2e bridge each build exactly this object; none of
 * them wires a queue to a connection by hand.
 *
 * Order is the engine's, the same for every front end: the queue loads first
 * (it asks the connection to follow the jobs it restores), then the
 * connection starts; on dispose the hot folder stops first (a closing queue
 * would refuse the files it hands over), then queue and connection together,
 * then the demo server.
 */
import type { Settings } from '../../shared/settings';
import { sameDialect } from '../../shared/dialect';
import { silentLogger, type Logger } from '../base/logger';
import { DisposableStore, type Disposable } from '../base/lifecycle';
import { ListenerSet } from '../base/listenerSet';
import { systemClock, type Clock } from '../clock';
import { ConnectionManager } from '../connection/ConnectionManager';
import type { ConnectionTimings } from '../connection/timings';
import type { FileLimits } from '../files/fileInspector';
import { HotFolderSupervisor, type HotFolderNotice } from '../hotFolder/HotFolderSupervisor';
import { NotificationScheduler } from '../notifications/NotificationScheduler';
import type { NotificationDecision } from '../notifications/notificationPolicy';
import { createNetwork, type Network } from '../network/network';
import { UploadQueue, type QueueStore, type QueueTimings } from '../queue/UploadQueue';
import { BackendSelector, type StartDemoServer } from './backendSelector';
import type { Engine, EngineConnection, EngineQueue, EngineSettings } from './ports';
import { PageFeed } from '../tray/pageFeed';
import { runDoctor } from '../network/doctor';
import type { ConnectionCheck } from '../../shared/ipc';
import type { JobDelta } from '../../shared/jobDelta';
import { serverOfRecord, type Dialect, type ServerChoice, type ServerOfRecord } from './serverOfRecord';

export type { EngineSettings } from './ports';

export interface EnginePartsDeps {
  server: ServerOfRecord;
  store: QueueStore;
  clock: Clock;
  logger: Logger;
}

export interface IntakeEngineOptions {
  choice: ServerChoice;
  /** Proxy and trust for every connection (default: direct, Node's bundled roots); replaced by setNetwork. */
  network?: Network;
  store: QueueStore;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  /** Starts the bundled demo server when no server URL is set (the desktop); absent, a missing URL is refused. */
  demo?: { start: StartDemoServer; dataDir: string };
  queue?: { concurrency?: number; historySize?: number; timings?: QueueTimings; limits?: Partial<FileLimits> };
  connection?: { timings?: Partial<ConnectionTimings>; fetchImpl?: typeof fetch };
  /** Runs the notification policy over the queue's events; `chartNumbers` is read at each decision; `windowMs` default 3 s. */
  notifications?: { chartNumbers: () => boolean; windowMs?: number };
  /** Runs a hot-folder supervisor (the desktop); its notices go here. */
  hotFolder?: { onNotice: (notice: HotFolderNotice) => void; intervalMs?: number };
  /** Stand-ins for queue and connection (the shell's wiring tests); default the real ones. */
  parts?: (deps: EnginePartsDeps) => { queue: EngineQueue; connection: EngineConnection };
}

export class IntakeEngine implements Engine {
  readonly queue: EngineQueue;
  readonly connection: EngineConnection;
  readonly hotFolder: HotFolderSupervisor | null;
  private record: ServerOfRecord;
  /** The user's token, for the configured server (the demo server has its own). */
  private userToken: string | null;
  /** The dialect of the configured server (the demo server speaks intake). */
  private userDialect: Dialect | undefined;
  private readonly backends: BackendSelector;
  private readonly logger: Logger;
  private readonly store = new DisposableStore();
  private readonly decisions: ListenerSet<NotificationDecision>;
  private readonly serverChanges: ListenerSet<ServerOfRecord>;
  /** Server switches run one after another, so the last one asked for is the one in use. */
  private switching: Promise<unknown> = Promise.resolve();
  private disposing: Promise<void> | null = null;
  private readonly clock: Clock;
  private pageFeed: { feed: PageFeed; batches: ListenerSet<JobDelta[]> } | null = null;

  /** Resolves the first backend (starting the demo server if none is set) and builds the parts; start() runs them. */
  static async open(options: IntakeEngineOptions): Promise<IntakeEngine> {
    const logger = options.logger ?? silentLogger;
    const backends = new BackendSelector(options.demo?.start ?? null, options.demo?.dataDir ?? '', logger);
    const backend = await backends.select(options.choice.serverUrl);
    try {
      return new IntakeEngine(options, backends, serverOfRecord(backend, options.choice, options.network ?? createNetwork()));
    } catch (error) {
      await backends.dispose();
      throw error;
    }
  }

  private constructor(options: IntakeEngineOptions, backends: BackendSelector, record: ServerOfRecord) {
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    this.clock = clock;
    this.logger = logger;
    this.backends = backends;
    this.record = record;
    this.userToken = options.choice.token;
    this.userDialect = options.choice.dialect;
    const reportListenerError = (error: unknown) => logger.error('an engine listener threw', { error: (error as Error)?.name });
    this.decisions = new ListenerSet(reportListenerError);
    this.serverChanges = new ListenerSet(reportListenerError);
    const parts = (options.parts ?? realParts(options))({ server: record, store: options.store, clock, logger });
    this.queue = parts.queue;
    this.connection = parts.connection;
    if (options.notifications) {
      const { chartNumbers, windowMs } = options.notifications;
      const scheduler = this.store.add(new NotificationScheduler(clock, () => ({ includeChartNumbers: chartNumbers(), windowMs }), (d) => this.decisions.emit(d), logger));
      this.store.add(this.queue.onEvent((event) => scheduler.handle(event)));
    }
    this.hotFolder = options.hotFolder
      ? new HotFolderSupervisor({
          queue: this.queue,
          clock,
          logger,
          onNotice: options.hotFolder.onNotice,
          ...(options.hotFolder.intervalMs !== undefined && { intervalMs: options.hotFolder.intervalMs }),
        })
      : null;
  }

  /** The server in use: one frozen value, replaced whole by setServer/setToken. */
  get server(): ServerOfRecord {
    return this.record;
  }

  /** Loads the saved queue, then connects. Listen (onChange, onEvent) before: loading reports damaged jobs. */
  async start(): Promise<void> {
    await this.queue.start();
    this.connection.start();
  }

  /** Follows the settings: concurrency, history, hot folder now; a server change queued behind any other. */
  /** `dialect`: Settings → Server → Backend type, loaded by the caller (a file is read before anything is saved). */
  async configure(settings: EngineSettings, changed: ReadonlySet<keyof Settings>, dialect?: Dialect): Promise<void> {
    if (changed.has('uploadConcurrency')) this.queue.setConcurrency(settings.uploadConcurrency);
    if (changed.has('historySize')) this.queue.setHistorySize(settings.historySize);
    // Not awaited: stopping a watcher waits for its check, which a stalled network share can hold up.
    if (changed.has('hotFolder') || changed.has('chartNumberPattern')) void this.hotFolder?.apply(settings);
    if (changed.has('serverUrl') || changed.has('webSocketUrl') || dialect !== undefined) {
      await this.setServer({ serverUrl: settings.serverUrl, webSocketUrl: settings.webSocketUrl, ...(dialect !== undefined && { dialect }) });
    }
  }

  /**
   * The one server-switch path. Serialized; the user's token stays (and goes to a configured server only). Jobs the previous backend still
   * processes end as failed with the reason (the queue's rule), unless it is the same backend.
   * Rejects, leaving the server in use, when the backend cannot be had (the demo server did not start).
   */
  setServer(choice: Pick<ServerChoice, 'serverUrl' | 'webSocketUrl' | 'dialect'>): Promise<ServerOfRecord> {
    const next = this.switching.then(async () => {
      const backend = await this.backends.select(choice.serverUrl);
      // The same type again (a copy, e.g. through the core process's channel) keeps the one in use: nothing reconnects or restarts.
      if (choice.dialect !== undefined && !sameDialect(choice.dialect, this.userDialect)) this.userDialect = choice.dialect;
      const dialect = this.userDialect;
      const record = serverOfRecord(backend, { webSocketUrl: choice.webSocketUrl, token: this.userToken, ...(dialect !== undefined && { dialect }) }, this.record.network);
      if (sameServer(record, this.record)) return this.record;
      const previous = this.record;
      this.use(record);
      this.logger.info(switchLine(previous, record));
      return record;
    });
    this.switching = next.catch(() => undefined);
    return next;
  }

  /** The user's new token (or none); a refused token is tried again when set again. The demo server keeps its own. */
  setToken(token: string | null): void {
    this.userToken = token;
    if (!this.record.demo) this.use(Object.freeze({ ...this.record, token }));
  }

  /**
   * New proxy or trust settings: the next upload, status read and socket use them (the socket
   * reconnects now); the previous network's pooled connections close.
   */
  setNetwork(network: Network): void {
    const previous = this.record.network;
    if (network === previous) return;
    this.use(Object.freeze({ ...this.record, network }));
    void previous.close();
  }

  /** Told after every change of the server of record. */
  onServer(listener: (server: ServerOfRecord) => void): Disposable {
    return this.serverChanges.add(listener);
  }

  /** Decisions of the notification policy (only with `notifications`). */
  onNotification(listener: (decision: NotificationDecision) => void): Disposable {
    return this.decisions.add(listener);
  }

  checkConnection(): Promise<ConnectionCheck[]> {
    const { baseUrl, wsUrl, token, network } = this.record;
    return runDoctor({ baseUrl, wsUrl, token, network });
  }

  onPageBatch(listener: (deltas: JobDelta[]) => void): Disposable {
    if (this.pageFeed === null) {
      const batches = new ListenerSet<JobDelta[]>((error) => this.logger.error('a page-batch listener threw', { error: (error as Error)?.name }));
      const feed = this.store.add(new PageFeed({ clock: this.clock, send: (deltas) => batches.emit(deltas) }));
      this.store.add(this.queue.onChange((changes) => feed.push(changes)));
      this.pageFeed = { feed, batches };
    }
    return this.pageFeed.batches.add(listener);
  }

  flushPage(): void {
    this.pageFeed?.feed.flush();
  }

  /** Stops everything in the engine's order; every job is durable when it resolves. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      await this.hotFolder?.dispose();
      this.store.dispose();
      await Promise.allSettled([this.queue.dispose(), this.connection.dispose()]);
      await this.switching;
      await this.record.network.close();
      await this.backends.dispose().catch((error: unknown) => this.logger.warn('the demo server did not stop cleanly', { error: (error as Error)?.name }));
    })();
    return this.disposing;
  }

  private use(record: ServerOfRecord): void {
    const previous = this.record;
    this.record = record;
    // Uploads care about the REST base, the token and which backend it is; a new WebSocket URL alone is the connection's.
    const uploadsChanged = record.baseUrl !== previous.baseUrl || record.token !== previous.token || record.dialect !== previous.dialect;
    if (uploadsChanged || record.identity !== previous.identity || record.network !== previous.network) {
      this.queue.setServer(record);
    }
    // Told even when nothing changed: the same token again is how a refused one is tried again.
    this.connection.setServer(record);
    this.serverChanges.emit(record);
  }
}

function sameServer(a: ServerOfRecord, b: ServerOfRecord): boolean {
  return a.baseUrl === b.baseUrl && a.wsUrl === b.wsUrl && a.token === b.token && a.demo === b.demo && a.network === b.network && a.dialect === b.dialect;
}

/** The operator's line for a new server of record from setServer: another backend, else what changed about this one. */
function switchLine(previous: ServerOfRecord, next: ServerOfRecord): string {
  if (next.identity !== previous.identity) return next.demo ? 'Switched to the demo server' : 'Switched to the configured server';
  return next.dialect !== previous.dialect ? 'Backend type of the server in use changed' : 'WebSocket URL of the server in use changed';
}

/** The real parts: one ConnectionManager (one socket for every job) tracking for one UploadQueue. */
function realParts(options: IntakeEngineOptions): (deps: EnginePartsDeps) => { queue: EngineQueue; connection: EngineConnection } {
  return ({ server, store, clock, logger }) => {
    const random = options.random ?? Math.random;
    const connection = new ConnectionManager({ ...server, clock, logger, random, ...options.connection });
    const queue = new UploadQueue({ server, store, tracker: connection, clock, logger, random, ...options.queue });
    return { queue, connection };
  };
}
