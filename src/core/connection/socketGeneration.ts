/**
 * One WebSocket connection attempt and everything tied to it: its listeners,
 * its connect timeout, watchdog, healthy timer, ack timer and nudge probe.
 * The generation is disposed as a unit, so an old socket can neither deliver
 * a frame nor fire a timer into the next connection.
 */
import { WebSocket, type RawData } from 'ws';
import type { IncomingMessage, ClientRequest } from 'node:http';
import type { Clock } from '../clock';
import { TimerGroup } from '../base/timerGroup';
import { WS_MAX_PAYLOAD_BYTES, type ConnectionTimings } from './timings';
import { answeredByProxy, type Network } from '../network/network';
import { describeNetworkProblem, proxyStatusProblem, type NetworkProblem, type ProblemContext } from '../network/networkProblem';

import type { DownReason } from './transport';

export type { DownReason } from './transport';

export interface GenerationEvents {
  open(generation: SocketGeneration): void;
  message(generation: SocketGeneration, data: RawData, isBinary: boolean): void;
  /** Called at most once per generation, never after dispose(). */
  down(generation: SocketGeneration, why: DownReason): void;
  /** The socket stayed open for `healthyAfterMs`. */
  healthy(generation: SocketGeneration): void;
}

export interface GenerationOptions {
  id: number;
  url: string;
  token: string | null;
  network: Network;
  clock: Clock;
  timings: ConnectionTimings;
  events: GenerationEvents;
}

export class SocketGeneration {
  readonly id: number;
  readonly timers: TimerGroup;
  private readonly socket: WebSocket;
  private readonly clock: Clock;
  private readonly timings: ConnectionTimings;
  private readonly events: GenerationEvents;
  private lastHeardAt: number;
  private ended = false;
  private opened = false;
  private readonly closed: Promise<void>;
  private readonly network: Network;
  private readonly url: URL;

  constructor(options: GenerationOptions) {
    this.id = options.id;
    this.clock = options.clock;
    this.timings = options.timings;
    this.events = options.events;
    this.timers = new TimerGroup(options.clock);
    this.lastHeardAt = this.clock.monotonic();
    this.network = options.network;
    this.url = new URL(options.url);

    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    this.socket = new WebSocket(options.url, { headers, maxPayload: WS_MAX_PAYLOAD_BYTES, perMessageDeflate: false, ...this.network.nodeOptions(this.url) });
    this.closed = new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) resolve();
      else this.socket.once('close', () => resolve());
    });

    this.socket.on('open', this.handleOpen);
    this.socket.on('message', this.handleMessage);
    this.socket.on('ping', this.handleHeard);
    this.socket.on('pong', this.handlePong);
    this.socket.on('close', this.handleClose);
    this.socket.on('error', this.handleError);
    this.socket.on('unexpected-response', this.handleUnexpectedResponse);

    this.timers.set('connect', this.timings.connectTimeoutMs, () => {
      const reason = `connect timed out after ${this.timings.connectTimeoutMs} ms`;
      this.fail({ reason, auth: false, immediate: false, problem: { step: 'connect', message: `${this.url.host} did not answer within ${this.timings.connectTimeoutMs} ms.` } });
    });
  }

  get isOpen(): boolean {
    return this.opened && !this.ended && this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends one JSON frame; false when the socket cannot take it (the caller's state stays as is). */
  send(frame: object): boolean {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** nudge(): ping now; no sign of life within `nudgePongMs` → terminate and reconnect at once. */
  probe(): void {
    if (!this.isOpen || this.timers.has('probe')) return;
    this.socket.ping();
    this.timers.set('probe', this.timings.nudgePongMs, () =>
      this.fail({ reason: `no pong within ${this.timings.nudgePongMs} ms after nudge`, auth: false, immediate: true }),
    );
  }

  /** Ends the connection as a failure of this generation (reported through `down`). */
  fail(why: DownReason): void {
    if (this.ended) return;
    this.dispose();
    this.events.down(this, why);
  }

  /**
   * Removes every listener and timer and terminates the socket. Resolves when
   * the socket is closed. ws may still emit one 'error' after terminate() of a
   * connecting socket, and an EventEmitter 'error' without a listener throws,
   * so a swallowing listener stays until 'close' and then goes too.
   */
  dispose(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.timers.clearAll();
      this.socket.removeListener('open', this.handleOpen);
      this.socket.removeListener('message', this.handleMessage);
      this.socket.removeListener('ping', this.handleHeard);
      this.socket.removeListener('pong', this.handlePong);
      this.socket.removeListener('close', this.handleClose);
      this.socket.removeListener('error', this.handleError);
      this.socket.removeListener('unexpected-response', this.handleUnexpectedResponse);
      if (this.socket.readyState !== WebSocket.CLOSED) {
        const swallow = (): void => undefined;
        this.socket.on('error', swallow);
        this.socket.once('close', () => this.socket.removeListener('error', swallow));
        this.socket.terminate();
      }
    }
    return this.closed;
  }

  /** Listener count on the underlying socket (tests prove nothing is left behind). */
  listenerCount(): number {
    return this.socket.eventNames().reduce((sum, name) => sum + this.socket.listenerCount(name), 0);
  }

  get socketClosed(): boolean {
    return this.socket.readyState === WebSocket.CLOSED;
  }

  private readonly handleOpen = (): void => {
    if (this.ended) return;
    this.opened = true;
    this.timers.clear('connect');
    this.heard();
    this.timers.set('healthy', this.timings.healthyAfterMs, () => this.events.healthy(this));
    this.events.open(this);
  };

  private readonly handleMessage = (data: RawData, isBinary: boolean): void => {
    if (this.ended) return;
    this.heard();
    this.timers.clear('probe');
    this.events.message(this, data, isBinary);
  };

  private readonly handleHeard = (): void => {
    if (this.ended) return;
    this.heard();
    this.timers.clear('probe');
  };

  private readonly handlePong = (): void => this.handleHeard();

  private readonly handleClose = (code: number): void => {
    this.fail({ reason: this.opened ? `socket closed (code ${code})` : `connect failed (code ${code})`, auth: false, immediate: false });
  };

  private readonly handleError = (error: Error): void => {
    const badFrame = (error as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
    // An error on an open socket is a drop, not a step on the way that failed. ws reports one only from its
    // frame parser or writer (a broken connection just closes), so its words say more than "could not reach".
    if (this.opened) return this.fail({ reason: `socket error: ${error.message}`, auth: false, immediate: false, ...(badFrame && { badFrame }) });
    const problem = describeNetworkProblem(error, this.context());
    this.fail({ reason: `WebSocket: ${problem.message}`, auth: false, immediate: false, problem });
  };

  private readonly handleUnexpectedResponse = (request: ClientRequest, response: IncomingMessage): void => {
    const status = response.statusCode ?? 0;
    response.resume();
    if (answeredByProxy(request) || status === 407) {
      // The proxy would not open the way (it may block WebSocket tunnels): polling carries the jobs.
      // Credentials are the proxy's step; any other refusal of the socket's tunnel is the upgrade's.
      const said = proxyStatusProblem(status, this.context());
      const problem: NetworkProblem = said.step === 'proxy_auth' ? said : { step: 'upgrade', message: said.message };
      this.fail({ reason: `WebSocket: ${said.message} Jobs are followed by polling.`, auth: false, immediate: false, problem });
      return;
    }
    const auth = status === 401 || status === 403;
    const reason = auth ? `server refused the token (HTTP ${status})` : `WebSocket upgrade refused by the server (HTTP ${status}); jobs are followed by polling`;
    this.fail({ reason, auth, immediate: false, ...(!auth && { problem: { step: 'upgrade' as const, message: `The server ${this.url.host} refused the WebSocket upgrade (HTTP ${status}).` } }) });
  };

  private context(): ProblemContext {
    return { server: this.url, proxy: this.network.proxyInUse(this.url) };
  }

  /**
   * One watchdog timer re-armed lazily: frames only move `lastHeardAt`, and the
   * timer, when it fires early, re-arms itself for the remainder. This avoids
   * clearing and setting a timer on every one of thousands of frames.
   */
  private heard(): void {
    this.lastHeardAt = this.clock.monotonic();
    if (!this.timers.has('watchdog')) this.armWatchdog(this.timings.watchdogMs);
  }

  private armWatchdog(ms: number): void {
    this.timers.set('watchdog', ms, () => {
      const silentFor = this.clock.monotonic() - this.lastHeardAt;
      if (silentFor < this.timings.watchdogMs) {
        this.armWatchdog(this.timings.watchdogMs - silentFor);
        return;
      }
      this.fail({ reason: `no frame or ping for ${this.timings.watchdogMs} ms`, auth: false, immediate: false });
    });
  }
}
