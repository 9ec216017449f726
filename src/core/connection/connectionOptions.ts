/**
 * What a ConnectionManager is built with and what it counts. Re-exported from
 * ConnectionManager.ts, the path everyone imports.
 */
import type { Clock } from '../clock';
import type { Logger } from '../base/logger';
import type { ConnectionTimings } from './timings';
import type { Network } from '../network/network';
import type { Dialect } from '../../shared/dialect';

export interface ConnectionManagerOptions extends ConnectionTarget {
  /** REST base, e.g. http://127.0.0.1:1234/api (ConnectionTarget.baseUrl). */
  clock?: Clock;
  /** For jitter; [0, 1) like Math.random. */
  random?: () => number;
  logger?: Logger;
  fetchImpl?: typeof fetch;
  /** Overrides of the required durations and rates; tests shrink them. */
  timings?: Partial<ConnectionTimings>;
}

/** Where the connection goes: the engine's server of record satisfies it. */
export interface ConnectionTarget {
  readonly baseUrl: string;
  /** Default deriveWebSocketUrl(baseUrl). */
  readonly wsUrl?: string;
  readonly token?: string | null;
  /** Proxy and trust for the socket and status reads (default: direct, Node's bundled roots). */
  readonly network?: Network;
  /** The contract spoken (default intake). For a Socket.IO dialect, wsUrl is the Socket.IO endpoint (default: origin + /socket.io). */
  readonly dialect?: Dialect;
}

export interface ConnectionStats {
  badFrames: number;
  httpRequests: number;
  reconnects: number;
  subscribesSent: number;
  duplicatesDropped: number;
  /** Older than what was applied (reordered, or REST racing the socket): dropped. */
  staleDropped: number;
  /** Job reads that rode on another job's §2 request of the same chart. */
  requestsSavedBySharing: number;
}
