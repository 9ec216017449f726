/**
 * The Socket.IO dialects behind the transport port, over socket.io-client v4
 * (never a hand-written Engine.IO). Its own reconnection is off: the engine
 * is the one reconnect policy. Its heartbeat (the server's pings) replaces
 * the 45 s watchdog: a silent connection ends with `ping timeout`.
 *
 * Auth, as the seeds do it: the token in the connect packet's `auth`; a
 * `connect_error` saying unauthorized, or the server disconnecting us right
 * after connect (seed 003), is an auth failure, not a reason to reconnect.
 * Every connection goes through the network port (proxy agent, trusted CAs).
 */
import { io, type Socket } from 'socket.io-client';
import type { SocketIoDialect } from '../../shared/dialect';
import type { Clock } from '../clock';
import { TimerGroup } from '../base/timerGroup';
import type { Network } from '../network/network';
import { describeNetworkProblem } from '../network/networkProblem';
import type { ConnectionTimings } from './timings';
import { batchFromPayload, idFrom, updateFromJobObject } from './socketIoPayload';
import type { DownReason, Inbound, Transport, TransportEvents } from './transport';

export interface SocketIoTransportOptions {
  id: number;
  /** The Socket.IO endpoint, e.g. https://host/socket.io. */
  url: string;
  token: string | null;
  dialect: SocketIoDialect;
  network: Network;
  clock: Clock;
  timings: ConnectionTimings;
  events: TransportEvents;
}

const AUTH_WORDS = /unauthori[sz]ed|forbidden|invalid token|token|auth|401|403/i;

export class SocketIoTransport implements Transport {
  readonly id: number;
  readonly timers: TimerGroup;
  readonly missingAck = 'assume' as const;
  private readonly socket: Socket;
  private readonly dialect: SocketIoDialect;
  private readonly events: TransportEvents;
  private readonly timings: ConnectionTimings;
  private readonly url: URL;
  private readonly network: Network;
  private ended = false;
  private opened = false;
  private readonly closed: Promise<void>;
  private resolveClosed: () => void = () => undefined;

  constructor(options: SocketIoTransportOptions) {
    this.id = options.id;
    this.dialect = options.dialect;
    this.events = options.events;
    this.timings = options.timings;
    this.network = options.network;
    this.timers = new TimerGroup(options.clock);
    this.url = new URL(options.url);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    // engine.io-client types `agent` for browsers; in Node it hands agent and ca to ws as they are.
    const { agent, ca } = this.network.nodeOptions(this.url);
    this.socket = io(this.url.origin, {
      path: this.url.pathname,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      autoConnect: false,
      timeout: this.timings.connectTimeoutMs,
      ...(options.token !== null && { auth: { token: options.token } }),
      ...(options.token !== null && { extraHeaders: { Authorization: `Bearer ${options.token}` } }),
      ...(agent !== undefined && { agent: agent as unknown as string }),
      ...(ca !== undefined && { ca }),
    });
    this.socket.on('connect', this.handleConnect);
    this.socket.on('connect_error', this.handleConnectError);
    this.socket.on('disconnect', this.handleDisconnect);
    this.socket.onAny(this.handleEvent);
    this.timers.set('connect', this.timings.connectTimeoutMs, () =>
      this.fail({
        reason: `connect timed out after ${this.timings.connectTimeoutMs} ms`,
        auth: false,
        immediate: false,
        problem: { step: 'connect', message: `${this.url.host} did not answer within ${this.timings.connectTimeoutMs} ms.` },
      }),
    );
    this.socket.connect();
  }

  get isOpen(): boolean {
    return this.opened && !this.ended && this.socket.connected;
  }

  subscribe(jobId: string): boolean {
    if (!this.isOpen) return false;
    const { events, fields } = this.dialect;
    const payload = { [fields.jobId]: jobId };
    if (events.subscribed !== null) {
      this.socket.emit(events.subscribe, payload);
      return true;
    }
    // Seed 002/003: the ack is the emit's callback, with the job object or with nothing.
    this.socket.emit(events.subscribe, payload, (body: unknown) => {
      if (this.ended) return;
      const snapshot = updateFromJobObject(this.dialect, body, jobId);
      this.events.inbound(this, { kind: 'ack', jobId, snapshot: typeof snapshot === 'string' || snapshot.jobId !== jobId ? null : snapshot });
    });
    return true;
  }

  unsubscribe(jobId: string): boolean {
    if (!this.isOpen) return false;
    this.socket.emit(this.dialect.events.unsubscribe, { [this.dialect.fields.jobId]: jobId });
    return true;
  }

  subscribeBatch(batchId: string): boolean {
    const event = this.dialect.events.subscribeBatch;
    if (!this.isOpen || event === null) return false;
    this.socket.emit(event, { [this.dialect.fields.batchId]: batchId });
    return true;
  }

  /** Socket.IO's heartbeat decides whether the connection lives; there is no client ping to send. */
  probe(): void {}

  fail(why: DownReason): void {
    if (this.ended) return;
    void this.dispose();
    this.events.down(this, why);
  }

  dispose(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.timers.clearAll();
      this.socket.offAny(this.handleEvent);
      this.socket.removeAllListeners();
      this.socket.disconnect();
      // socket.io-client closes the engine synchronously (or it never opened): nothing more to wait for.
      this.resolveClosed();
    }
    return this.closed;
  }

  private readonly handleConnect = (): void => {
    if (this.ended || this.opened) return;
    this.opened = true;
    this.timers.clear('connect');
    // Seed 003 refuses a token by disconnecting right after connect; until this passes, a server disconnect is that.
    this.timers.set('authWindow', this.timings.authDisconnectWindowMs, () => undefined);
    this.timers.set('healthy', this.timings.healthyAfterMs, () => this.events.healthy(this));
    this.events.open(this);
  };

  private readonly handleConnectError = (error: Error): void => {
    const auth = AUTH_WORDS.test(error.message) && (error as { type?: string }).type !== 'TransportError';
    if (auth) return this.fail({ reason: `server refused the token (${error.message.slice(0, 100)})`, auth, immediate: false });
    // The step that failed (DNS, proxy, TLS...) goes with it, as for the plain WebSocket: the indicator names it.
    const problem = describeNetworkProblem(socketFailure(error), { server: this.url, proxy: this.network.proxyInUse(this.url) });
    this.fail({ reason: `Socket.IO: ${problem.message}`, auth, immediate: false, problem });
  };

  private readonly handleDisconnect = (reason: string): void => {
    const auth = reason === 'io server disconnect' && this.timers.has('authWindow');
    this.fail({ reason: auth ? 'server disconnected us right after connect: the token was refused' : `socket closed (${reason})`, auth, immediate: false });
  };

  private readonly handleEvent = (event: string, payload: unknown): void => {
    if (this.ended) return;
    this.events.inbound(this, this.inboundOf(event, payload));
  };

  private inboundOf(event: string, payload: unknown): Inbound {
    const { events, fields } = this.dialect;
    if (events.updates.includes(event)) {
      const update = updateFromJobObject(this.dialect, payload);
      return typeof update === 'string' ? { kind: 'bad', reason: update } : { kind: 'update', update };
    }
    if (event === events.subscribed) {
      const jobId = idFrom(payload, fields.jobId);
      if (jobId === null) return { kind: 'bad', reason: 'wrong_shape' };
      const snapshot = updateFromJobObject(this.dialect, payload, jobId);
      return { kind: 'ack', jobId, snapshot: typeof snapshot === 'string' ? null : { ...snapshot, jobId } };
    }
    if (event === events.error) {
      const jobId = idFrom(payload, fields.jobId);
      return jobId === null ? { kind: 'error' } : { kind: 'error', jobId };
    }
    if (event === events.batchUpdate) {
      const batch = batchFromPayload(this.dialect, payload);
      return batch === null ? { kind: 'bad', reason: 'wrong_shape' } : { kind: 'batch', batch };
    }
    if (event === events.connection) return { kind: 'ignored' };
    return { kind: 'bad', reason: 'unknown_type' };
  }
}

/**
 * What failed under a connect_error. engine.io-client wraps the socket's own error (the one with a
 * code: ECONNREFUSED, a certificate's) in ws's ErrorEvent, which is no Error: handed on as it is, it
 * read "[object Object]". A refusal by the server's middleware is a plain Error, with nothing inside.
 */
function socketFailure(error: Error): unknown {
  const inner = (error as { description?: { error?: unknown } }).description?.error;
  return inner instanceof Error ? inner : error;
}
