/**
 * The reference server's public types (see index.ts). Other helpers code
 * against exactly these, so change them only by adding.
 */
import { type BuiltInDialect, type SocketIoDialect } from '../shared/dialect';

export interface ServerLimits {
  /** Largest accepted document, bytes (413 beyond). */
  maxFileBytes?: number;
  /** Most documents in one upload (413 beyond). */
  maxFiles?: number;
  /** Largest whole upload request body, bytes (413 beyond). */
  maxRequestBytes?: number;
  /** Largest client WebSocket frame the server reads; larger ones get an `error` frame. */
  maxFrameBytes?: number;
  /** Most jobs one WebSocket connection may follow at once. */
  maxSubscriptionsPerConnection?: number;
}

export interface ReferenceServerOptions {
  port?: number;
  host?: string;
  phaseMs?: number;
  pingMs?: number;
  failRate?: number;
  maxAttempts?: number;
  /** Deterministic failure plan: how many attempts of this job fail before one succeeds (>= maxAttempts = fails for good). Overrides failRate. */
  failPlan?: (info: { chartNumber: string; jobIndex: number }) => number;
  token?: string | null;
  dataDir?: string;
  snapshot?: boolean;
  webSocket?: boolean;
  limits?: ServerLimits;
  log?: (line: string) => void;
  random?: () => number;
  /** Origins (scheme://host[:port]) whose requests and upgrades are answered; any other `Origin` gets 403. */
  allowedOrigins?: readonly string[];
  /** More `host:port` values accepted in the Host header besides this server's own loopback names (a relay in front of it). */
  allowedHosts?: readonly string[];
  /**
   * Serve HTTPS and WSS with this certificate and key (PEM). `urlHost` is the name the printed URLs use
   * (default the bind address), e.g. `localhost` when the certificate names that and not 127.0.0.1.
   */
  tls?: { cert: string; key: string; urlHost?: string };
  /** Finished jobs and their uploaded documents are deleted this many days after upload. Default 7. */
  retentionDays?: number;
  /** The clock retention reads (ms since the epoch); tests move it. Default Date.now. */
  now?: () => number;
  /** A client must have sent all its request headers within this long (slowloris). Default 20 000. */
  headersTimeoutMs?: number;
  /** A whole request, body included, within this long. Default 30 min (a large upload on a slow link). */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this long. Default 5000. */
  keepAliveTimeoutMs?: number;
  /** Most open connections (WebSockets included); more are closed at once. Default 1024. */
  maxConnections?: number;
  /** PROTOCOL.md §4 cancel route; false answers it with 501 like a server without the extension (tests of clients). Default true. */
  cancelling?: boolean;
  /**
   * The contract spoken (PROTOCOL.md "Backend dialects"): `intake` (default, plain WebSocket at /api/ws),
   * or a Socket.IO dialect at /socket.io, given by name or described in full (a renamed backend).
   */
  dialect?: BuiltInDialect | SocketIoDialect;
  /** Probability 0..1 that a job about to complete ends `blocked` (held by a quality check; seed 004). */
  blockedRate?: number;
  /** How a Socket.IO dialect refuses a bad token: a `connect_error` (default for socketio-events) or a disconnect right after connect (seed 003, default for socketio-rooms). */
  authRefusal?: 'connect_error' | 'disconnect';
}

export type UploadFault =
  /** Answer at once with this JSON error (and Retry-After when given). */
  | { kind: 'status'; status: 429 | 500 | 502 | 503; retryAfterSeconds?: number }
  /** Stop reading the request body; never answer (the client must time out). */
  | { kind: 'stall' }
  /** Destroy the socket after reading this many body bytes. */
  | { kind: 'reset'; afterBytes: number }
  /**
   * Accept the upload (the job exists, its Idempotency-Key is recorded), then
   * destroy the socket instead of answering: the response is lost, and only a
   * retry with the same key can learn the jobId without creating a second job.
   */
  | { kind: 'dropResponse' };

export interface ServerStats {
  httpRequests: number;
  requestsByRoute: Record<string, number>;
  wsConnections: number;
  uploadsAccepted: number;
}

export interface JobSummary {
  jobId: string;
  chartNumber: string;
  status: string;
  phase: string;
  seq: number;
  /** The client's batch, when the upload named one (socketio-events). */
  batchId?: string;
}

export interface ReferenceServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  setSnapshot(on: boolean): void;
  setWebSocket(on: boolean): void;
  dropAllSockets(): void;
  silenceSockets(): void;
  setPingReplies(on: boolean): void;
  injectUploadFaults(...faults: UploadFault[]): void;
  readonly stats: ServerStats;
  jobs(): JobSummary[];
  emitStatus?(jobId: string, status: string, phase: string, message?: string): void;
  /** Socket.IO dialects: joins still join, but are never acknowledged (neither callback nor `subscribed`). */
  setJoinAcks?(on: boolean): void;
  /** The Socket.IO endpoint (origin + /socket.io) of a Socket.IO dialect; absent for `intake`. */
  readonly socketIoUrl?: string;
  /** Deletes what is past retention now (also done at start and every hour); returns the jobs deleted. */
  expireUploads?(): number;
  close(): Promise<void>;
}

/** Defaults of every limit, chosen for a demo backend on a desktop. */
export const DEFAULT_LIMITS: Required<ServerLimits> = {
  maxFileBytes: 512 * 1024 * 1024,
  maxFiles: 100,
  maxRequestBytes: 1024 * 1024 * 1024,
  maxFrameBytes: 64 * 1024,
  maxSubscriptionsPerConnection: 10_000,
};
