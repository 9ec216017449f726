/**
 * Wires the reference server together: HTTP routes, the WebSocket hub, the
 * job store and the pipeline, plus the test switches of ReferenceServer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerEarly, answerOnSocket, sendError } from './httpReply';
import { API_PREFIX, type CancelAnswer, createRequestHandler, pathOf } from './httpRouter';
import { type JobRecord } from './jobRecord';
import { JobPipeline } from './jobPipeline';
import { JobStore } from './jobStore';
import { originProblem, RequestGuard } from './requestGuard';
import { StatusPublisher } from './statusPublisher';
import {
  DEFAULT_LIMITS,
  type ReferenceServer,
  type ReferenceServerOptions,
  type ServerStats,
  type UploadFault,
} from './types';
import { DEFAULT_RETENTION_DAYS, UploadRetention } from './uploadRetention';
import { WebSocketHub } from './webSocketHub';
import { builtInSocketIoDialect, type SocketIoDialect } from '../shared/dialect';
import { dialectRoutes } from './dialectRoutes';
import { type DialectJob, wordOf } from './dialectView';
import { SocketIoHub } from './socketIoHub';

export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const settings = resolveOptions(options);
  const log = options.log ?? (() => {});
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'intake-reference-server-'));
  const store = new JobStore(dataDir, log);
  const stats: ServerStats = { httpRequests: 0, requestsByRoute: {}, wsConnections: 0, uploadsAccepted: 0 };
  const faults: UploadFault[] = [];

  const dialect = settings.dialect;
  // The sink runs only on a later flush, after the hubs below exist.
  const publisher = new StatusPublisher(store, (frame) => (sioHub ?? wsHub).publish(frame), log);
  const pipeline = new JobPipeline(publisher, {
    phaseMs: settings.phaseMs,
    failRate: settings.failRate,
    blockedRate: settings.blockedRate,
    failPlan: options.failPlan,
    random: options.random ?? Math.random,
  });
  const wsHub = new WebSocketHub({
    token: settings.token,
    pingMs: settings.pingMs,
    snapshot: options.snapshot ?? true,
    enabled: dialect === null && (options.webSocket ?? true),
    maxFrameBytes: settings.limits.maxFrameBytes,
    maxSubscriptions: settings.limits.maxSubscriptionsPerConnection,
    lookup: (jobId) => publisher.visible(jobId),
    log,
    onConnection: () => (stats.wsConnections += 1),
  });

  const guard = new RequestGuard(settings.allowedOrigins, options.allowedHosts);
  const retention = new UploadRetention({
    retentionDays: settings.retentionDays,
    now: options.now ?? Date.now,
    jobs: () => store.all(),
    forget: (jobIds) => {
      store.forget(jobIds);
      for (const jobId of jobIds) publisher.forget(jobId);
    },
    log,
  });

  const cancel = (jobId: string): CancelAnswer => {
    if (options.cancelling === false) return 'unsupported';
    const job = store.get(jobId);
    if (job === undefined || publisher.visible(jobId) === undefined) return 'unknown';
    return pipeline.cancelJob(job) ? 'cancelling' : 'final';
  };
  const batchOf = (jobId: string): string | undefined => store.get(jobId)?.batchId;
  const jobsOfBatch = (batchId: string): DialectJob[] =>
    store.all().flatMap((job) => {
      const view = job.batchId === batchId ? publisher.visible(job.jobId) : undefined;
      return view === undefined ? [] : [view];
    });
  const upload = {
    store,
    pipeline,
    limits: settings.limits,
    maxAttempts: settings.maxAttempts,
    takeFault: () => faults.shift(),
    persisted: () => publisher.persisted(),
    onAccepted: (job: JobRecord) => {
      publisher.remember(job);
      stats.uploadsAccepted += 1;
    },
    ...(dialect !== null && {
      form: dialect.form,
      answerBody: (job: JobRecord) => ({
        [dialect.fields.jobId]: job.jobId,
        status: wordOf(dialect, 'queued'),
        ...(job.batchId !== undefined && { [dialect.fields.batchId]: job.batchId }),
      }),
    }),
  };
  const routes = createRequestHandler({
    token: () => settings.token,
    cancel,
    ...(dialect !== null && { dialectRoutes: dialectRoutes({ dialect, upload, lookup: (id) => publisher.visible(id), batchOf, jobsOfBatch, cancel }) }),
    store,
    visible: (jobId) => publisher.visible(jobId),
    stats,
    log,
    upload,
  });
  const serverOptions = {
    headersTimeout: settings.headersTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    // Node looks for overdue requests only this often (30 s by default): a short timeout needs a short look.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(settings.headersTimeoutMs / 4))),
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const refusal = guard.problem(req.headers);
    if (refusal === null) return void routes(req, res);
    log(`${req.method ?? 'GET'} refused ${refusal.status} (${refusal.error})`);
    answerEarly(req, res, () => sendError(res, refusal.status, refusal.error, refusal.message));
  };
  // HTTPS and WSS with the operator's certificate; the same routes and hub either way.
  const http = options.tls ? createTlsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, handle) : createServer(serverOptions, handle);
  http.keepAliveTimeout = settings.keepAliveTimeoutMs;
  http.maxConnections = settings.maxConnections;
  const sioHub =
    dialect === null
      ? null
      : new SocketIoHub(http, {
          dialect,
          token: settings.token,
          authRefusal: options.authRefusal ?? (dialect.base === 'socketio-rooms' ? 'disconnect' : 'connect_error'),
          pingMs: settings.pingMs,
          snapshot: options.snapshot ?? true,
          enabled: options.webSocket ?? true,
          maxSubscriptions: settings.limits.maxSubscriptionsPerConnection,
          lookup: (jobId) => publisher.visible(jobId),
          batchOf,
          jobsOfBatch,
          refuse: (headers) => guard.problem(headers)?.error ?? null,
          log,
          onConnection: () => (stats.wsConnections += 1),
        });
  http.on('upgrade', (req, socket, head) => {
    // Socket.IO's engine answers its own path (and checks Host and Origin in allowRequest).
    if (sioHub !== null && pathOf(req.url).startsWith('/socket.io')) return;
    const refusal = guard.problem(req.headers);
    if (refusal !== null) {
      log(`upgrade refused ${refusal.status} (${refusal.error})`);
      return answerOnSocket(socket, refusal.status, refusal.error, refusal.message);
    }
    if (pathOf(req.url) !== `${API_PREFIX}/ws`) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wsHub.handleUpgrade(req, socket, head);
  });
  http.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    // Headers dripped in too slowly (slowloris) or a request over its time: said, then closed.
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      return answerOnSocket(socket, 408, 'request_timeout', 'The request took too long to arrive; the connection is closed.');
    }
    answerOnSocket(socket, 400, 'bad_request', 'The request is not valid HTTP.');
  });

  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(settings.port, settings.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // Port taken or host unknown: undo everything started so far, then tell the caller.
    pipeline.stop();
    wsHub.close();
    sioHub?.close();
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  // Jobs a previous process left unfinished carry on from their current phase.
  for (const job of store.all()) {
    publisher.remember(job);
    pipeline.schedule(job);
  }
  retention.start();

  const port = (http.address() as AddressInfo).port;
  guard.listeningOn(settings.host, port);
  const hostForUrl = options.tls?.urlHost ?? (settings.host.includes(':') ? `[${settings.host}]` : settings.host);
  const [scheme, wsScheme] = options.tls ? ['https', 'wss'] : ['http', 'ws'];
  let closing: Promise<void> | null = null;

  return {
    url: `${scheme}://${hostForUrl}:${port}${API_PREFIX}`,
    wsUrl: `${wsScheme}://${hostForUrl}:${port}${API_PREFIX}/ws`,
    ...(sioHub !== null && { socketIoUrl: `${scheme}://${hostForUrl}:${port}/socket.io` }),
    port,
    stats,
    setSnapshot: (on) => (sioHub ?? wsHub).setSnapshot(on),
    setWebSocket: (on) => (sioHub ?? wsHub).setEnabled(on),
    setJoinAcks: (on) => sioHub?.setJoinAcks(on),
    dropAllSockets: () => (sioHub ?? wsHub).dropAll(),
    silenceSockets: () => wsHub.silenceAll(),
    setPingReplies: (on) => wsHub.setPingReplies(on),
    injectUploadFaults: (...more) => void faults.push(...more),
    jobs: () =>
      store.all().map(({ jobId, chartNumber, status, phase, seq, batchId }) => ({ jobId, chartNumber, status, phase, seq, ...(batchId !== undefined && { batchId }) })),
    expireUploads: () => retention.expire(),
    emitStatus: (jobId, status, phase, message = '') => {
      const job = store.get(jobId);
      if (job === undefined) throw new Error(`emitStatus: no job ${jobId}`);
      pipeline.emit(job, status, phase, message);
    },
    close: () => {
      closing ??= (async () => {
        pipeline.stop();
        retention.stop();
        publisher.close();
        try {
          store.close();
        } catch {
          // Every change is already in the journal; the next start compacts it.
          log('job store: compaction on close failed; the journal is replayed on the next start');
        }
        wsHub.close();
        sioHub?.close();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
        if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

function resolveOptions(options: ReferenceServerOptions) {
  const phaseMs = options.phaseMs ?? 1000;
  const pingMs = options.pingMs ?? 30_000;
  const failRate = options.failRate ?? 0;
  const maxAttempts = options.maxAttempts ?? 3;
  const blockedRate = options.blockedRate ?? 0;
  if (!(blockedRate >= 0 && blockedRate <= 1)) throw new RangeError('blockedRate must be between 0 and 1');
  if (!(phaseMs >= 0)) throw new RangeError('phaseMs must be 0 or more');
  if (!(pingMs > 0)) throw new RangeError('pingMs must be more than 0');
  if (!(failRate >= 0 && failRate <= 1)) throw new RangeError('failRate must be between 0 and 1');
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) throw new RangeError('maxAttempts must be a whole number, 1 or more');
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (!(retentionDays > 0)) throw new RangeError('retentionDays must be more than 0');
  const headersTimeoutMs = options.headersTimeoutMs ?? 20_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30 * 60_000;
  if (!(Number.isInteger(headersTimeoutMs) && headersTimeoutMs > 0)) throw new RangeError('headersTimeoutMs must be a whole number of ms, more than 0');
  // Node refuses a headers timeout longer than the request timeout.
  if (!(Number.isInteger(requestTimeoutMs) && requestTimeoutMs >= headersTimeoutMs)) throw new RangeError('requestTimeoutMs must be a whole number of ms, at least headersTimeoutMs');
  const allowedOrigins = options.allowedOrigins ?? [];
  for (const origin of allowedOrigins) {
    const problem = originProblem(origin);
    if (problem !== null) throw new RangeError(problem);
  }
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    phaseMs,
    pingMs,
    failRate,
    blockedRate,
    dialect: resolveDialect(options.dialect),
    maxAttempts,
    token: options.token ?? null,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    allowedOrigins,
    retentionDays,
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 5000,
    maxConnections: options.maxConnections ?? 1024,
  };
}


/** null: the intake contract (plain WebSocket); else the Socket.IO dialect to speak. */
function resolveDialect(dialect: ReferenceServerOptions['dialect']): SocketIoDialect | null {
  if (dialect === undefined || dialect === 'intake') return null;
  return typeof dialect === 'string' ? builtInSocketIoDialect(dialect) : dialect;
}
