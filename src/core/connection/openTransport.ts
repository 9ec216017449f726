/**
 * Picks the transport of the server's dialect for one connection attempt:
 * plain WebSocket for `intake`, socket.io-client for the Socket.IO dialects.
 */
import { isSocketIoDialect, type Dialect } from '../../shared/dialect';
import type { Clock } from '../clock';
import type { Network } from '../network/network';
import { IntakeTransport } from './intakeTransport';
import { SocketIoTransport } from './socketIoTransport';
import type { ConnectionTimings } from './timings';
import type { Transport, TransportEvents } from './transport';

export interface TransportOptions {
  id: number;
  url: string;
  token: string | null;
  dialect: Dialect;
  network: Network;
  clock: Clock;
  timings: ConnectionTimings;
  events: TransportEvents;
}

/** Throws at once on a URL the transport cannot use; the caller counts that as a failed attempt. */
export function openTransport(options: TransportOptions): Transport {
  const { dialect, ...rest } = options;
  return isSocketIoDialect(dialect) ? new SocketIoTransport({ ...rest, dialect }) : new IntakeTransport(rest);
}
