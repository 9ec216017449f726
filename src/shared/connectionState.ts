/** The tracking engine's connection, as shown to the user (header indicator, tray, CLI). */
export type ConnectionState =
  | { state: 'connecting'; reason: string }
  | { state: 'connected'; reason: string }
  /** Socket down, waiting for the next try at `nextTryAt` (epoch ms). */
  | { state: 'reconnecting'; reason: string; nextTryAt: number; attempt: number }
  /** Socket down and open jobs are followed over REST until it is back. */
  | { state: 'polling'; reason: string; nextTryAt: number; attempt: number }
  | { state: 'auth_failed'; reason: string }
  | { state: 'stopped'; reason: string };

export type ConnectionStateName = ConnectionState['state'];
