/**
 * Wires the reference server together: HTTP routes, the WebSocket hub, the
 * job store and the pipeline, plus the test switches of ReferenceServer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_PREFIX, createRequestHandler, pathOf } from './httpRouter';
import { JobPipeline } from './jobPipeline';
import { JobStore } from './jobStore';
import { StatusPublisher } from './statusPublisher';
import {
  DEFAULT_LIMITS,
  type ReferenceServer,
  type ReferenceServerOptions,
  type ServerStats,
  type UploadFault,
} from './types';
import { WebSocketHub } from './webSocketHub';

export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const settings = resolveOptions(options);
  const log = options.log ?? (() => {});
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'intake-reference-server-'));
  const store = new JobStore(dataDir, log);
  const stats: ServerStats = { httpRequests: 0, requestsByRoute: {}, wsConnections: 0, uploadsAccepted: 0 };
  const faults: UploadFault[] = [];

  // The sink runs only on a later flush, after wsHub below exists.
  const publisher = new StatusPublisher(store, (frame) => wsHub.publish(frame), log);
  const pipeline = new JobPipeline(publisher, {
    phaseMs: settings.phaseMs,
    failRate: settings.failRate,
    failPlan: options.failPlan,
    random: options.random ?? Math.random,
  });
  const wsHub = new WebSocketHub({
    token: settings.token,
    pingMs: settings.pingMs,
    snapshot: options.snapshot ?? true,
    enabled: options.webSocket ?? true,
    maxFrameBytes: settings.limits.maxFrameBytes,
    maxSubscriptions: settings.limits.maxSubscriptionsPerConnection,
    lookup: (jobId) => publisher.visible(jobId),
    log,
    onConnection: () => (stats.wsConnections += 1),
  });

  const http = createServer(
    createRequestHandler({
      token: () => settings.token,
      store,
      visible: (jobId) => publisher.visible(jobId),
      stats,
      log,
      upload: {
        store,
        pipeline,
        limits: settings.limits,
        maxAttempts: settings.maxAttempts,
        takeFault: () => faults.shift(),
        persisted: () => publisher.persisted(),
        onAccepted: (job) => {
          publisher.remember(job);
          stats.uploadsAccepted += 1;
        },
      },
    }),
  );
  // Large uploads over slow links must not hit Node's 5-minute request timeout.
  http.requestTimeout = 0;
  http.on('upgrade', (req, socket, head) => {
    if (pathOf(req.url) !== `${API_PREFIX}/ws`) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wsHub.handleUpgrade(req, socket, head);
  });
  http.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
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
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  // Jobs a previous process left unfinished carry on from their current phase.
  for (const job of store.all()) {
    publisher.remember(job);
    pipeline.schedule(job);
  }

  const port = (http.address() as AddressInfo).port;
  const hostForUrl = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  let closing: Promise<void> | null = null;

  return {
    url: `http://${hostForUrl}:${port}${API_PREFIX}`,
    wsUrl: `ws://${hostForUrl}:${port}${API_PREFIX}/ws`,
    port,
    stats,
    setSnapshot: (on) => wsHub.setSnapshot(on),
    setWebSocket: (on) => wsHub.setEnabled(on),
    dropAllSockets: () => wsHub.dropAll(),
    silenceSockets: () => wsHub.silenceAll(),
    setPingReplies: (on) => wsHub.setPingReplies(on),
    injectUploadFaults: (...more) => void faults.push(...more),
    jobs: () =>
      store.all().map(({ jobId, chartNumber, status, phase, seq }) => ({ jobId, chartNumber, status, phase, seq })),
    emitStatus: (jobId, status, phase, message = '') => {
      const job = store.get(jobId);
      if (job === undefined) throw new Error(`emitStatus: no job ${jobId}`);
      pipeline.emit(job, status, phase, message);
    },
    close: () => {
      closing ??= (async () => {
        pipeline.stop();
        publisher.close();
        try {
          store.close();
        } catch {
          // Every change is already in the journal; the next start compacts it.
          log('job store: compaction on close failed; the journal is replayed on the next start');
        }
        wsHub.close();
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
  if (!(phaseMs >= 0)) throw new RangeError('phaseMs must be 0 or more');
  if (!(pingMs > 0)) throw new RangeError('pingMs must be more than 0');
  if (!(failRate >= 0 && failRate <= 1)) throw new RangeError('failRate must be between 0 and 1');
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) throw new RangeError('maxAttempts must be a whole number, 1 or more');
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    phaseMs,
    pingMs,
    failRate,
    maxAttempts,
    token: options.token ?? null,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
}

