/**
 * The dialect port below the connection engine (PROTOCOL.md "Backend
 * dialects"). A Transport is ONE connection attempt in one dialect: it
 * connects, subscribes and unsubscribes, and turns whatever the wire says
 * into Inbound messages (ack, update, error, batch, bad). Backoff,
 * generations, the wanted set, ack-then-catch-up, polling while down and
 * auth failure stay with the ConnectionManager, the one owner of each.
 */
import type { StatusUpdate } from '../../shared/jobState';
import type { BatchProgress } from '../../shared/batchProgress';
import type { TimerGroup } from '../base/timerGroup';
import type { NetworkProblem } from '../../shared/networkStep';

export type { BatchProgress } from '../../shared/batchProgress';

export interface DownReason {
  reason: string;
  /** The server refused our token: stop retrying until it changes. */
  auth: boolean;
  /** Reconnect at once instead of after backoff (a failed nudge probe). */
  immediate: boolean;
  /** The socket refused a frame above its limit: count it as a bad frame too. */
  badFrame?: boolean;
  /** The step that failed, when the attempt failed on the way (the indicator names it). */
  problem?: NetworkProblem;
}


export type Inbound =
  /** A subscribe was acknowledged; `snapshot` is the job's state when the ack carried it. */
  | { kind: 'ack'; jobId: string; snapshot: StatusUpdate | null }
  | { kind: 'update'; update: StatusUpdate }
  /** The server refused a client message; for a subscribe it names the job. */
  | { kind: 'error'; jobId?: string }
  | { kind: 'batch'; batch: BatchProgress }
  /** Said nothing the engine acts on (an unsubscribe ack, a hello). */
  | { kind: 'ignored' }
  | { kind: 'bad'; reason: string };

export interface TransportEvents {
  open(transport: Transport): void;
  inbound(transport: Transport, message: Inbound): void;
  /** Called at most once per transport, never after dispose(). */
  down(transport: Transport, why: DownReason): void;
  /** The connection stayed open for `healthyAfterMs`. */
  healthy(transport: Transport): void;
}

export interface Transport {
  readonly id: number;
  /** Every timer of this attempt; cleared with it. The engine's ack timer lives here too. */
  readonly timers: TimerGroup;
  readonly isOpen: boolean;
  /**
   * What to do when acks do not come: `reconnect` (a fresh socket is the retry) or `assume`
   * (PROTOCOL.md, socketio-rooms: treat the join as done and catch up over REST).
   */
  readonly missingAck: 'reconnect' | 'assume';
  /** False when the connection cannot take it (the caller's state stays as is). */
  subscribe(jobId: string): boolean;
  unsubscribe(jobId: string): boolean;
  subscribeBatch(batchId: string): boolean;
  /** nudge(): test the connection now (a no-op where the dialect's own heartbeat decides). */
  probe(): void;
  /** Ends the connection as a failure of this attempt (reported through `down`). */
  fail(why: DownReason): void;
  /** Removes every listener and timer and closes the connection; resolves once closed. */
  dispose(): Promise<void>;
}
