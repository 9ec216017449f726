/**
 * Main's side of the core in its own process (engineHost.ts): the same Engine
 * the shell uses in one process, over a channel. Main keeps a mirror of the
 * queue, built from the page batches the host sends (one per frame at most),
 * so the tray, the page's snapshot and the IPC checks read it synchronously;
 * each batch is handed to the page as it came, without work per update here.
 *
 * Calls go to the host; one that changes the queue resolves after the mirror
 * holds the change (the host flushes its batches before answering).
 */
import type { ConnectionState } from '../../shared/connectionState';
import type { Dialect } from '../../shared/dialect';
import type { FileInspection } from '../../shared/ipc';
import { resolveDeltas, type JobDelta } from '../../shared/jobDelta';
import type { QueueChange, QueueJob } from '../../shared/queueJob';
import type { Settings } from '../../shared/settings';
import type { ConnectionCheck } from '../../shared/ipc';
import { DisposableStore, type Disposable } from '../base/lifecycle';
import { ListenerSet } from '../base/listenerSet';
import type { Logger } from '../base/logger';
import type { BatchProgress } from '../connection/transport';
import type { HotFolderNotice } from '../hotFolder/HotFolderSupervisor';
import type { Engine, EngineConnection, EngineQueue, EngineSettings, ServerView } from '../engine/ports';
import type { ProxyAuthRequired } from './engineProtocol';
import type { NotificationDecision } from '../notifications/notificationPolicy';
import type { PersistedQueue } from '../queue/types';
import type { JobInput } from '../queue/jobInput';
import { QueueInputError, type EnqueueResult, type QueueEvent } from '../queue/types';
import { HOST_EVENTS, MAIN_CALLS, type EngineView, type HostedEngineConfig, type LogRecord, type NetworkRecipe, type WireEnqueueResult } from './engineProtocol';
import { HostGoneError, RpcPeer, revivePlain, type MessageEndpoint, type WireError } from './rpcPeer';

export interface RemoteEngineOptions {
  /** Starts a core process and gives main's end of its channel; called again to restart one that died. */
  connect: () => MessageEndpoint;
  config: HostedEngineConfig;
  logger: Logger;
  /** Electron's session.resolveProxy, for the host's System proxy mode. */
  resolveProxy: (url: string) => Promise<string>;
  /** An older version's queue that main holds (electron-store); read once by the host. */
  legacyQueue?: { load(): Promise<PersistedQueue | null>; retire(): Promise<void>; drainWarnings?(): string[] };
  onHotFolderNotice?: (notice: HotFolderNotice) => void;
  /** A proxy answered 407 (main's ProxyLogin decides whether to ask). */
  onProxyAuthRequired?: (request: ProxyAuthRequired) => void;
  /** The core process kept dying (RESTART_LIMIT times within RESTART_WINDOW_MS) and is not started again. */
  onHostLost?: (reason: string) => void;
  /** For the restart limit; default Date.now. */
  now?: () => number;
}

/** A core process that dies is started again, at most this many times within RESTART_WINDOW_MS. */
export const RESTART_LIMIT = 3;
export const RESTART_WINDOW_MS = 60_000;

export class RemoteEngine implements Engine {
  readonly queue: RemoteQueue;
  readonly connection: RemoteConnection;
  readonly hotFolder: Engine['hotFolder'];
  private view: ServerView;
  private peer: RpcPeer;
  /** What a restarted core process is opened with: the first config, followed through every change since. */
  private readonly config: HostedEngineConfig;
  /** The hot-folder settings last applied (a restarted supervisor is given them again). */
  private hotFolderSettings: Pick<Settings, 'hotFolder' | 'chartNumberPattern'> | null = null;
  private started = false;
  private readonly restarts: number[] = [];
  private readonly store = new DisposableStore();
  private readonly serverChanges: ListenerSet<ServerView>;
  private readonly decisions: ListenerSet<NotificationDecision>;
  private readonly pageBatches: ListenerSet<JobDelta[]>;
  private disposing: Promise<void> | null = null;

  /** Opens the engine in a core process (the demo server starts there when no URL is set); start() then loads and connects. */
  static async open(options: RemoteEngineOptions): Promise<RemoteEngine> {
    const config = structuredClone(options.config);
    const { peer, view } = await openPeer(options, config);
    return new RemoteEngine(peer, options, config, view);
  }

  private constructor(
    peer: RpcPeer,
    private readonly options: RemoteEngineOptions,
    config: HostedEngineConfig,
    view: EngineView,
  ) {
    this.peer = peer;
    this.config = config;
    const report = (error: unknown) => options.logger.error('an engine listener threw', { error: (error as Error)?.name });
    this.serverChanges = new ListenerSet(report);
    this.decisions = new ListenerSet(report);
    this.pageBatches = new ListenerSet(report);
    this.view = view.server;
    this.queue = new RemoteQueue(() => this.peer, view, report);
    this.connection = new RemoteConnection(() => this.peer, view.connection, report);
    this.hotFolder = config.hotFolder
      ? {
          apply: async (settings) => {
            const plain = pick(settings, ['hotFolder', 'chartNumberPattern']);
            await this.peer.call<void>('hotFolder.apply', plain);
            this.hotFolderSettings = plain;
          },
        }
      : null;
    this.bind(peer);
  }

  /** Listens to one core process; a restart binds the next. */
  private bind(peer: RpcPeer): void {
    const { store } = this;
    store.add(
      peer.on<JobDelta[]>(HOST_EVENTS.jobs, (deltas) => {
        const changes = this.queue.apply(deltas);
        this.pageBatches.emit(deltas);
        this.queue.announce(changes);
      }),
    );
    store.add(peer.on<string>(HOST_EVENTS.warning, (message) => this.queue.warn(message)));
    store.add(peer.on<ServerView>(HOST_EVENTS.server, (server) => this.serverIs(server)));
    store.add(peer.on<NotificationDecision>(HOST_EVENTS.notification, (decision) => this.decisions.emit(decision)));
    store.add(peer.on<ConnectionState>(HOST_EVENTS.connection, (state) => this.connection.is(state)));
    store.add(peer.on<BatchProgress>(HOST_EVENTS.batch, (batch) => this.connection.batch(batch)));
    const { onHotFolderNotice, onProxyAuthRequired } = this.options;
    if (onHotFolderNotice) store.add(peer.on(HOST_EVENTS.hotFolderNotice, onHotFolderNotice));
    if (onProxyAuthRequired) store.add(peer.on(HOST_EVENTS.proxyAuthRequired, onProxyAuthRequired));
    store.add(peer.onClose((reason) => void this.lost(reason)));
  }

  /** The core process ended without being asked to: start another on the same journal, unless it keeps dying. */
  private async lost(reason: string): Promise<void> {
    if (this.disposing !== null) return;
    const { logger } = this.options;
    const now = (this.options.now ?? Date.now)();
    while (this.restarts.length > 0 && now - this.restarts[0]! > RESTART_WINDOW_MS) this.restarts.shift();
    if (this.restarts.length >= RESTART_LIMIT) {
      logger.error('the core process ended unexpectedly again; not starting it again', { reason, restarts: this.restarts.length });
      this.options.onHostLost?.(reason);
      return;
    }
    this.restarts.push(now);
    logger.error('the core process ended unexpectedly; starting it again', { reason });
    let bound = false;
    try {
      const { peer, view } = await openPeer(this.options, this.config);
      if (this.disposing !== null) {
        peer.dispose();
        return;
      }
      this.peer = peer;
      this.bind(peer);
      bound = true;
      this.serverIs(view.server);
      if (!this.started) return;
      this.replace(await peer.call<EngineView>('start'));
      if (this.hotFolderSettings !== null) await peer.call('hotFolder.apply', this.hotFolderSettings);
      logger.info('the core process runs again');
    } catch (error) {
      logger.error('the core process could not be started again', { error: (error as Error)?.message });
      // One that never opened (it died, or did not answer) is tried again until the limit says stop. One that died
      // after it was bound is started again by its own close: trying here too would start two on the one journal.
      if (!bound && this.peer.isClosed) await this.lost((error as Error)?.message ?? reason);
    }
  }

  /** A restarted core's whole state: the mirror, the page and the listeners are brought to it. */
  private replace(view: EngineView): void {
    const deltas: JobDelta[] = [];
    const kept = new Set(view.jobs.map((job) => job.id));
    for (const job of this.queue.snapshot()) if (!kept.has(job.id)) deltas.push({ type: 'remove', id: job.id });
    for (const job of view.jobs) deltas.push({ type: 'upsert', job });
    this.queue.setPaused(view.paused);
    const changes = this.queue.apply(deltas);
    this.pageBatches.emit(deltas);
    this.queue.announce(changes);
    this.connection.is(view.connection);
  }

  private serverIs(server: ServerView): void {
    this.view = server;
    this.serverChanges.emit(server);
  }

  get server(): ServerView {
    return this.view;
  }

  async start(): Promise<void> {
    this.queue.reset(await this.peer.call<EngineView>('start'));
    this.started = true;
  }

  async configure(settings: EngineSettings, changed: ReadonlySet<keyof Settings>, dialect?: Dialect): Promise<void> {
    const plain = pick(settings, ['serverUrl', 'webSocketUrl', 'uploadConcurrency', 'historySize', 'hotFolder', 'chartNumberPattern', 'chartNumbersInNotifications']);
    const { config } = this;
    config.queue = { concurrency: plain.uploadConcurrency, historySize: plain.historySize };
    config.chartNumbersInNotifications = plain.chartNumbersInNotifications;
    if (changed.has('hotFolder') || changed.has('chartNumberPattern')) this.hotFolderSettings = pick(plain, ['hotFolder', 'chartNumberPattern']);
    await this.peer.call('configure', plain, [...changed], dialect ?? null);
    // The server switch succeeded (it rejects when it did not): a restart opens the new one.
    config.choice = { ...config.choice, serverUrl: plain.serverUrl, webSocketUrl: plain.webSocketUrl, ...(dialect !== undefined && { dialect }) };
  }

  setToken(token: string | null): void {
    this.config.choice = { ...this.config.choice, token };
    this.peer.tell('setToken', token);
  }

  /** New proxy or trust settings, built in the host; rejects (the previous network stays) when they cannot be used. */
  async setNetwork(recipe: NetworkRecipe): Promise<void> {
    await this.peer.call('setNetwork', recipe);
    this.config.network = recipe;
  }

  onServer(listener: (server: ServerView) => void): Disposable {
    return this.serverChanges.add(listener);
  }

  onNotification(listener: (decision: NotificationDecision) => void): Disposable {
    return this.decisions.add(listener);
  }

  checkConnection(): Promise<ConnectionCheck[]> {
    return this.peer.call('checkConnection');
  }

  onPageBatch(listener: (deltas: JobDelta[]) => void): Disposable {
    return this.pageBatches.add(listener);
  }

  /** Nothing to do: each batch reaches the page as it reaches the mirror, so a snapshot of the mirror is never older than a batch sent. */
  flushPage(): void {}

  /** Ends the engine in the host (every job durable), then the channel. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      try {
        // The process ends right after its engine did: its answer may not make it out before it exits.
        if (!this.peer.isClosed) await this.peer.call('dispose').catch((error: unknown) => {
          if (!(error instanceof HostGoneError)) throw error;
        });
      } finally {
        this.store.dispose();
        this.peer.dispose();
      }
    })();
    return this.disposing;
  }
}

/** The queue as main sees it: a mirror for reads, the host for everything else. */
class RemoteQueue implements EngineQueue {
  private jobs = new Map<string, QueueJob>();
  private pausedNow = false;
  private readonly changes: ListenerSet<QueueChange[]>;
  private readonly events: ListenerSet<QueueEvent>;

  constructor(
    private readonly peerNow: () => RpcPeer,
    view: EngineView,
    report: (error: unknown) => void,
  ) {
    this.changes = new ListenerSet(report);
    this.events = new ListenerSet(report);
    this.reset(view);
  }

  /** The host's whole state (after start): replaces the mirror. */
  reset(view: EngineView): void {
    this.jobs = new Map(view.jobs.map((job) => [job.id, job]));
    this.pausedNow = view.paused;
  }

  /** A batch from the host, into the mirror; returns it as whole-job changes. */
  apply(deltas: readonly JobDelta[]): QueueChange[] {
    const changes = resolveDeltas(deltas, (id) => this.jobs.get(id));
    for (const change of changes) {
      if (change.type === 'remove') this.jobs.delete(change.id);
      else this.jobs.set(change.job.id, change.job);
    }
    return changes;
  }

  announce(changes: QueueChange[]): void {
    if (changes.length > 0) this.changes.emit(changes);
  }

  setPaused(paused: boolean): void {
    this.pausedNow = paused;
  }

  private get peer(): RpcPeer {
    return this.peerNow();
  }

  warn(message: string): void {
    this.events.emit({ type: 'warning', message });
  }

  start(): Promise<void> {
    return Promise.resolve(); // the engine's start() starts the host's queue
  }

  inspect(paths: string[]): Promise<FileInspection> {
    return this.peer.call('queue.inspect', paths);
  }

  enqueue(input: JobInput): Promise<QueueJob> {
    return this.peer.call('queue.enqueue', input);
  }

  async enqueueMany(inputs: readonly JobInput[]): Promise<EnqueueResult[]> {
    const results = await this.peer.call<WireEnqueueResult[]>('queue.enqueueMany', inputs);
    return results.map((r) => (r.ok ? r : { ok: false, error: new QueueInputError(r.error.code, r.error.message, r.error.rejected) }));
  }

  cancel(id: string): Promise<void> {
    return this.peer.call('queue.cancel', id);
  }

  retry(id: string): void {
    this.peer.tell('queue.retry', id);
  }

  refile(id: string, chartNumber: string): Promise<QueueJob> {
    return this.peer.call('queue.refile', id, chartNumber);
  }

  remove(id: string): void {
    this.peer.tell('queue.remove', id);
  }

  clearFinished(): Promise<number> {
    return this.peer.call('queue.clearFinished');
  }

  pauseAll(): void {
    this.pausedNow = true;
    this.peer.tell('queue.pauseAll');
  }

  resumeAll(): void {
    this.pausedNow = false;
    this.peer.tell('queue.resumeAll');
  }

  get paused(): boolean {
    return this.pausedNow;
  }

  setConcurrency(n: number): void {
    this.peer.tell('queue.setConcurrency', n);
  }

  setHistorySize(n: number): void {
    this.peer.tell('queue.setHistorySize', n);
  }

  setServer(): void {
    throw new Error('the server of record is set by the engine in the core process');
  }

  snapshot(): QueueJob[] {
    return [...this.jobs.values()];
  }

  get(id: string): QueueJob | undefined {
    return this.jobs.get(id);
  }

  onChange(listener: (changes: QueueChange[]) => void): Disposable {
    return this.changes.add(listener);
  }

  /** Only warnings cross (the notification policy runs in the host and sends its decisions). */
  onEvent(listener: (event: QueueEvent) => void): Disposable {
    return this.events.add(listener);
  }

  getResults(id: string): Promise<unknown> {
    return this.peer.call('queue.getResults', id);
  }

  dispose(): Promise<void> {
    return Promise.resolve(); // the engine's dispose() ends the host's queue
  }
}

class RemoteConnection implements EngineConnection {
  private now: ConnectionState;
  private readonly states: ListenerSet<ConnectionState>;
  private readonly batches: ListenerSet<BatchProgress>;

  constructor(
    private readonly peer: () => RpcPeer,
    state: ConnectionState,
    report: (error: unknown) => void,
  ) {
    this.now = state;
    this.states = new ListenerSet(report);
    this.batches = new ListenerSet(report);
  }

  is(state: ConnectionState): void {
    this.now = state;
    this.states.emit(state);
  }

  batch(batch: BatchProgress): void {
    this.batches.emit(batch);
  }

  get state(): ConnectionState {
    return this.now;
  }

  start(): void {} // the engine's start() connects in the host

  dispose(): Promise<void> {
    return Promise.resolve();
  }

  nudge(): void {
    this.peer().tell('connection.nudge');
  }

  setServer(): void {
    throw new Error('the server of record is set by the engine in the core process');
  }

  onState(listener: (state: ConnectionState) => void): Disposable {
    return this.states.add(listener);
  }

  onBatch(listener: (batch: BatchProgress) => void): Disposable {
    return this.batches.add(listener);
  }
}

/** Starts a core process, answers what it asks main, and opens the engine there with `config`. */
async function openPeer(options: RemoteEngineOptions, config: HostedEngineConfig): Promise<{ peer: RpcPeer; view: EngineView }> {
  const { logger } = options;
  const peer = new RpcPeer(options.connect(), {
    revive: reviveError,
    onError: (error) => logger.warn('a call to the core process failed', { error: (error as Error)?.message }),
  });
  peer.on<LogRecord>(HOST_EVENTS.log, (record) => logger[record.level](record.message, record.fields));
  peer.handle(MAIN_CALLS.resolveProxy, (url: string) => options.resolveProxy(url));
  peer.handle(MAIN_CALLS.legacyLoad, async () => {
    const queue = (await options.legacyQueue?.load()) ?? null;
    return { queue, warnings: options.legacyQueue?.drainWarnings?.() ?? [] };
  });
  peer.handle(MAIN_CALLS.legacyRetire, () => options.legacyQueue?.retire());
  try {
    return { peer, view: await peer.call<EngineView>('open', config) };
  } catch (error) {
    peer.dispose();
    throw error;
  }
}

/** The errors main's handlers tell apart, as their own classes again. */
function reviveError(wire: WireError): Error {
  if (wire.name === 'QueueInputError' && wire.code !== undefined) {
    const rejected = (wire.extra?.rejected ?? []) as QueueInputError['rejected'];
    return new QueueInputError(wire.code as QueueInputError['code'], wire.message, [...rejected]);
  }
  return revivePlain(wire);
}

/** Only these fields cross (Settings objects may carry more than the host needs). */
function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = value[key];
  return out;
}
