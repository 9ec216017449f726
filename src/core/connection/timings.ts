/**
 * Every duration and rate of the tracking engine (DESIGN.md "Reliability
 * rules", PROTOCOL.md §3). These defaults are the requirements; integration
 * tests may shrink them, unit tests assert them.
 */
export interface ConnectionTimings {
  /** Backoff base: the first reconnect waits random(0, 1 s). */
  backoffBaseMs: number;
  /** Backoff cap: no reconnect waits longer than random(0, 10 s). */
  backoffCapMs: number;
  /** A connect attempt that has not opened by then is abandoned. */
  connectTimeoutMs: number;
  /** The attempt counter resets only after the socket stayed up this long. */
  healthyAfterMs: number;
  /** No frame and no ping for this long: the connection is dead. */
  watchdogMs: number;
  /** After nudge(): no pong (or any frame) within this → terminate and reconnect. */
  nudgePongMs: number;
  /** How long to wait for the acks of one batch of subscribes. */
  ackTimeoutMs: number;
  /** socketio-rooms: a join not acknowledged by then is taken as done and caught up over REST (PROTOCOL.md). */
  assumeJoinAfterMs: number;
  /** Socket.IO: a server disconnect this soon after connect is seed 003's refusal of the token. */
  authDisconnectWindowMs: number;
  /** Subscribes sent before waiting for their acks. */
  subscribeBatchSize: number;
  /** While polling, each open job's chart is read at most this often. */
  pollIntervalMs: number;
  /** While polling, all requests together stay under this rate. */
  pollMaxRequestsPerSecond: number;
  /** Timeout of one §2 request. */
  httpTimeoutMs: number;
  /** Concurrent §2 catch-up reads (after acks without snapshot, on seq gaps). */
  catchUpConcurrency: number;
}

export const DEFAULT_CONNECTION_TIMINGS: Readonly<ConnectionTimings> = Object.freeze({
  backoffBaseMs: 1_000,
  backoffCapMs: 10_000,
  connectTimeoutMs: 10_000,
  healthyAfterMs: 10_000,
  watchdogMs: 45_000,
  nudgePongMs: 5_000,
  ackTimeoutMs: 10_000,
  assumeJoinAfterMs: 5_000,
  authDisconnectWindowMs: 2_000,
  subscribeBatchSize: 50,
  pollIntervalMs: 3_000,
  pollMaxRequestsPerSecond: 4,
  httpTimeoutMs: 15_000,
  catchUpConcurrency: 4,
});

/** Frames above this are not status frames; they are counted as bad and ignored. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/**
 * ws closes the connection on frames above maxPayload. We set it higher than
 * MAX_FRAME_BYTES so that a merely oversized frame is dropped and the connection
 * kept, while a truly absurd one still cannot make us buffer it.
 */
export const WS_MAX_PAYLOAD_BYTES = 4 * MAX_FRAME_BYTES;
