/**
 * The core in its own process (VS Code's shared/utility-process design): the
 * one IntakeEngine — socket, uploads, journal, hot folder, notification
 * policy — runs here, so its work never sits in the event loop that paints
 * the window and answers the page. Main holds a RemoteEngine that mirrors the
 * queue and forwards calls.
 *
 * Every answer to main leaves after the page batches made so far (the engine's
 * feed is flushed first), so main's mirror already holds what a call changed
 * when the call resolves, and the page's deltas stay in order.
 */
import type { Settings } from '../../shared/settings';
import { DisposableStore, type Disposable } from '../base/lifecycle';
import type { Logger } from '../base/logger';
import { systemClock, type Clock } from '../clock';
import type { StartDemoServer } from '../engine/backendSelector';
import { IntakeEngine } from '../engine/IntakeEngine';
import type { EngineSettings, ServerView } from '../engine/ports';
import type { ServerOfRecord } from '../engine/serverOfRecord';
import { appNetwork, type AppNetworkDeps, type NetworkSettings } from '../network/appNetwork';
import type { Network } from '../network/network';
import type { PersistedQueue } from '../queue/types';
import type { LegacyQueueSource } from '../persistence/journalQueueStore';
import type { JobInput } from '../queue/jobInput';
import type { QueueStore } from '../queue/types';
import type { Dialect } from '../../shared/dialect';
import { HOST_EVENTS, MAIN_CALLS, type EngineView, type HostedEngineConfig, type LogRecord, type NetworkRecipe, type WireEnqueueResult } from './engineProtocol';
import type { RpcPeer } from './rpcPeer';

export interface EngineHostDeps {
  startDemoServer: StartDemoServer;
  /** The journal in `dir`; `legacy` is an older version's queue, migrated on load. */
  openQueueStore: (dir: string, legacy: LegacyQueueSource | undefined, logger: Logger) => QueueStore;
  clock?: Clock;
  /** How long the notification policy gathers ended jobs into one notification (default 3 s). */
  notificationWindowMs?: number;
  /** Builds a network from settings (default appNetwork; the OS proxy decision is asked from main). */
  buildNetwork?: (settings: NetworkSettings, deps: AppNetworkDeps) => Promise<Network>;
  /** The engine was disposed at main's request: the process may end. */
  onDisposed?: () => void;
}

/** Answers main's calls on `peer` until main disposes the engine. */
export function serveEngine(peer: RpcPeer, deps: EngineHostDeps): Disposable {
  const store = new DisposableStore();
  const logger = peerLogger(peer);
  let engine: IntakeEngine | null = null;
  /** The open in progress (main may go while it runs); `closed`: main's end of the channel is gone. */
  let opening: Promise<unknown> = Promise.resolve();
  let closed = false;
  let chartNumbers = false;
  const the = (): IntakeEngine => {
    if (engine === null) throw new Error('the engine is not open');
    return engine;
  };
  const buildNetwork = (recipe: NetworkRecipe): Promise<Network> => {
    const { login } = recipe;
    return (deps.buildNetwork ?? appNetwork)(recipe.settings, {
      session: { resolveProxy: (url) => peer.call<string>(MAIN_CALLS.resolveProxy, url) },
      proxyCredentials: (proxy) => (login !== null && login.proxy === proxy ? { username: login.username, password: login.password } : null),
      onProxyAuthRequired: (proxy, sent) => peer.emit(HOST_EVENTS.proxyAuthRequired, { proxy, sent }),
      logger,
    });
  };
  const view = (): EngineView => {
    const { queue, connection, server } = the();
    return { jobs: queue.snapshot(), paused: queue.paused, connection: connection.state, server: serverView(server) };
  };

  const open = (config: HostedEngineConfig): Promise<EngineView> => {
    const run = openEngine(config);
    opening = run.catch(() => undefined);
    return run;
  };
  const openEngine = async (config: HostedEngineConfig): Promise<EngineView> => {
    if (engine !== null) throw new Error('the engine is already open');
    chartNumbers = config.chartNumbersInNotifications;
    const network = await buildNetwork(config.network).catch((error: unknown) => {
      // A custom CA file gone since it was set: start with the OS store and Node's roots, and say so.
      logger.warn('the custom CA file cannot be used', { error: (error as Error)?.message });
      return buildNetwork({ ...config.network, settings: { ...config.network.settings, caFile: null } });
    });
    const opened = await IntakeEngine.open({
      choice: config.choice,
      network,
      store: deps.openQueueStore(config.queueDir, config.legacyQueue ? legacyThroughMain(peer) : undefined, logger),
      clock: deps.clock ?? systemClock,
      logger,
      ...(config.demoDataDir !== null && { demo: { start: deps.startDemoServer, dataDir: config.demoDataDir } }),
      queue: config.queue,
      notifications: { chartNumbers: () => chartNumbers, windowMs: deps.notificationWindowMs },
      ...(config.hotFolder && { hotFolder: { onNotice: (notice) => peer.emit(HOST_EVENTS.hotFolderNotice, notice) } }),
    });
    if (closed) {
      await opened.dispose();
      throw new Error('main went away while the engine was opening');
    }
    engine = opened;
    // Listening before start(): loading the queue reports damaged jobs as warnings.
    store.add(opened.onPageBatch((deltas) => peer.emit(HOST_EVENTS.jobs, deltas)));
    store.add(opened.queue.onEvent((event) => event.type === 'warning' && peer.emit(HOST_EVENTS.warning, event.message)));
    store.add(opened.connection.onState((state) => peer.emit(HOST_EVENTS.connection, state)));
    const onBatch = opened.connection.onBatch?.bind(opened.connection);
    if (onBatch) store.add(onBatch((batch) => peer.emit(HOST_EVENTS.batch, batch)));
    store.add(opened.onServer((server) => peer.emit(HOST_EVENTS.server, serverView(server))));
    store.add(opened.onNotification((decision) => peer.emit(HOST_EVENTS.notification, decision)));
    return view();
  };

  const handlers: Record<string, (...args: never[]) => unknown> = {
    open,
    start: async () => {
      await the().start();
      return view();
    },
    'queue.inspect': (paths: string[]) => the().queue.inspect(paths),
    'queue.enqueue': (input: JobInput) => the().queue.enqueue(input),
    'queue.enqueueMany': async (inputs: JobInput[]): Promise<WireEnqueueResult[]> =>
      (await the().queue.enqueueMany(inputs)).map((r) => (r.ok ? r : { ok: false, error: { code: r.error.code, message: r.error.message, rejected: r.error.rejected } })),
    'queue.cancel': (id: string) => the().queue.cancel(id),
    'queue.retry': (id: string) => the().queue.retry(id),
    'queue.refile': (id: string, chartNumber: string) => the().queue.refile(id, chartNumber),
    'queue.remove': (id: string) => the().queue.remove(id),
    'queue.clearFinished': () => the().queue.clearFinished(),
    'queue.pauseAll': () => the().queue.pauseAll(),
    'queue.resumeAll': () => the().queue.resumeAll(),
    'queue.setConcurrency': (n: number) => the().queue.setConcurrency(n),
    'queue.setHistorySize': (n: number) => the().queue.setHistorySize(n),
    'queue.getResults': (id: string) => the().queue.getResults(id),
    'connection.nudge': () => the().connection.nudge(),
    configure: (settings: EngineSettings, changed: Array<keyof Settings>, dialect: Dialect | null) => {
      chartNumbers = settings.chartNumbersInNotifications;
      return the().configure(settings, new Set(changed), dialect ?? undefined);
    },
    setToken: (token: string | null) => the().setToken(token),
    setNetwork: async (recipe: NetworkRecipe) => the().setNetwork(await buildNetwork(recipe)),
    'hotFolder.apply': (settings: Pick<Settings, 'hotFolder' | 'chartNumberPattern'>) => the().hotFolder?.apply(settings),
    checkConnection: () => the().checkConnection(),
    dispose: async () => {
      store.dispose();
      await engine?.dispose();
      // After the reply has left: the process may end then.
      setImmediate(() => deps.onDisposed?.());
    },
  };
  for (const [method, handler] of Object.entries(handlers)) {
    store.add(
      peer.handle(method, async (...args: unknown[]) => {
        const value = await handler(...(args as never[]));
        engine?.flushPage();
        return value ?? null;
      }),
    );
  }
  // Main is gone (it crashed or was killed): end the engine so every job is durable (once an open under way has
  // finished), then the process.
  store.add(
    peer.onClose(() => {
      closed = true;
      void opening.then(() => engine?.dispose()).finally(() => deps.onDisposed?.());
    }),
  );
  return store;
}

function serverView(server: ServerOfRecord): ServerView {
  const { network: _network, ...rest } = server;
  return rest;
}

/** The host's logs go to main's logger (one log file). */
function peerLogger(peer: RpcPeer): Logger {
  const send = (level: LogRecord['level']) => (message: string, fields?: Record<string, unknown>) => {
    try {
      peer.emit(HOST_EVENTS.log, { level, message, ...(fields && { fields }) } satisfies LogRecord);
    } catch {
      peer.emit(HOST_EVENTS.log, { level, message } satisfies LogRecord);
    }
  };
  return { debug: send('debug'), info: send('info'), warn: send('warn'), error: send('error') };
}

/** An older version's queue that main holds (electron-store), read once through main. */
function legacyThroughMain(peer: RpcPeer): LegacyQueueSource {
  let warnings: string[] = [];
  return {
    load: async () => {
      const answer = await peer.call<{ queue: PersistedQueue | null; warnings: string[] }>(MAIN_CALLS.legacyLoad);
      warnings = answer.warnings;
      return answer.queue;
    },
    retire: () => peer.call<void>(MAIN_CALLS.legacyRetire),
    drainWarnings: () => warnings.splice(0),
  };
}
