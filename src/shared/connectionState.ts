import type { NetworkProblem } from './networkStep';

/**
 * The tracking engine's connection, as shown to the user (header indicator, tray, CLI).
 * `problem`: the step at which the last WebSocket attempt failed (DNS, proxy, TLS, upgrade…),
 * kept until the socket is open again; absent when the socket just dropped or has not failed.
 */
export type ConnectionState =
  | { state: 'connecting'; reason: string; problem?: NetworkProblem }
  | { state: 'connected'; reason: string }
  /** Socket down, waiting for the next try at `nextTryAt` (epoch ms). */
  | { state: 'reconnecting'; reason: string; nextTryAt: number; attempt: number; problem?: NetworkProblem }
  /** Socket down and open jobs are followed over REST until it is back. */
  | { state: 'polling'; reason: string; nextTryAt: number; attempt: number; problem?: NetworkProblem }
  | { state: 'auth_failed'; reason: string }
  | { state: 'stopped'; reason: string };

export type ConnectionStateName = ConnectionState['state'];
