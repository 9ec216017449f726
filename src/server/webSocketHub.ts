/**
 * `/ws` (PROTOCOL.md §3): subscriptions, status fan-out, pings, and the test
 * switches (snapshot off, endpoint off, drop, silence, no ping replies).
 *
 * ws's own `maxPayload` closes the connection on an oversized frame; the
 * protocol wants an `error` frame and a connection that survives. So
 * maxPayload is set far above `maxFrameBytes` and the size is checked here;
 * only frames beyond the generous transport cap still close the socket.
 */
import { type IncomingMessage } from 'node:http';
import { type Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { clientMessageSchema } from '../shared/protocol';
import { authProblem, answerOnSocket } from './httpReply';
import { type JobView, type StatusUpdateFrame } from './statusPublisher';

/** Unsent bytes a single connection may pile up before it is dropped. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface WebSocketHubOptions {
  token: string | null;
  pingMs: number;
  snapshot: boolean;
  enabled: boolean;
  maxFrameBytes: number;
  maxSubscriptions: number;
  /** The published state of a job (never a change still waiting to be saved and sent). */
  lookup(jobId: string): JobView | undefined;
  log(line: string): void;
  onConnection(): void;
}

interface Peer {
  socket: WebSocket;
  subscriptions: Set<string>;
  /** Answered the last ping (or said anything) since it was sent. */
  alive: boolean;
  /** Half-open on purpose: sends nothing, answers nothing. */
  silenced: boolean;
}

export class WebSocketHub {
  private readonly server: WebSocketServer;
  private readonly peers = new Set<Peer>();
  private readonly subscribers = new Map<string, Set<Peer>>();
  private readonly pingTimer: NodeJS.Timeout;
  private snapshot: boolean;
  private enabled: boolean;
  private pingReplies = true;

  constructor(private readonly options: WebSocketHubOptions) {
    this.snapshot = options.snapshot;
    this.enabled = options.enabled;
    this.server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      // Pongs are sent by hand so setPingReplies(false) can stop them on sockets already open.
      autoPong: false,
      maxPayload: Math.max(options.maxFrameBytes * 16, 1024 * 1024),
    });
    this.pingTimer = setInterval(() => this.pingAll(), options.pingMs);
    this.pingTimer.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.enabled) return answerOnSocket(socket, 404, 'not_found', 'This server has its WebSocket endpoint turned off.');
    const auth = authProblem(req.headers.authorization, this.options.token);
    if (auth !== null) return answerOnSocket(socket, auth.status, auth.error, auth.message);
    this.server.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
  }

  publish(frame: StatusUpdateFrame): void {
    const peers = this.subscribers.get(frame.jobId);
    if (peers === undefined || peers.size === 0) return;
    const text = JSON.stringify(frame);
    for (const peer of peers) this.send(peer, text);
  }

  setSnapshot(on: boolean): void {
    this.snapshot = on;
  }

  setEnabled(on: boolean): void {
    this.enabled = on;
    if (!on) this.dropAll();
  }

  setPingReplies(on: boolean): void {
    this.pingReplies = on;
  }

  dropAll(): void {
    for (const peer of this.peers) peer.socket.terminate();
  }

  silenceAll(): void {
    for (const peer of this.peers) peer.silenced = true;
  }

  get connectionCount(): number {
    return this.peers.size;
  }

  close(): void {
    clearInterval(this.pingTimer);
    this.dropAll();
    this.server.close();
  }

  private attach(socket: WebSocket): void {
    const peer: Peer = { socket, subscriptions: new Set(), alive: true, silenced: false };
    this.peers.add(peer);
    this.options.onConnection();
    this.options.log(`ws: connection opened (${this.peers.size} open)`);
    socket.on('message', (data, isBinary) => {
      peer.alive = true;
      if (!peer.silenced) this.receive(peer, data, isBinary);
    });
    socket.on('ping', (data) => {
      if (this.pingReplies && !peer.silenced) socket.pong(data);
    });
    socket.on('pong', () => {
      peer.alive = true;
    });
    // A socket error is followed by 'close'; log it without anything that identifies a patient.
    socket.on('error', (error) => this.options.log(`ws: connection error (${error.message})`));
    socket.on('close', () => this.detach(peer));
  }

  private detach(peer: Peer): void {
    this.peers.delete(peer);
    this.options.log(`ws: connection closed (${this.peers.size} open)`);
    for (const jobId of peer.subscriptions) {
      const peers = this.subscribers.get(jobId);
      peers?.delete(peer);
      if (peers?.size === 0) this.subscribers.delete(jobId);
    }
    peer.subscriptions.clear();
  }

  private receive(peer: Peer, data: RawData, isBinary: boolean): void {
    const size = rawSize(data);
    if (size > this.options.maxFrameBytes) {
      return this.sendError(peer, `Frame of ${size} bytes is larger than the ${this.options.maxFrameBytes} bytes this server reads; it was ignored.`);
    }
    if (isBinary) return this.sendError(peer, 'Binary frames are not accepted; send one JSON object per text frame.');
    let value: unknown;
    try {
      value = JSON.parse(rawText(data));
    } catch {
      return this.sendError(peer, 'Frame is not valid JSON; send one JSON object per text frame.');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { type?: unknown }).type !== 'string') {
      return this.sendError(peer, 'Frame must be a JSON object with a string "type".');
    }
    const type = (value as { type: string }).type;
    if (type !== 'subscribe' && type !== 'unsubscribe') {
      return this.sendError(peer, `Unknown message type "${type.slice(0, 64)}"; expected "subscribe" or "unsubscribe".`);
    }
    const parsed = clientMessageSchema.safeParse(value);
    if (!parsed.success) return this.sendError(peer, `"${type}" needs a "jobId" string of 1–200 characters.`);
    const { jobId } = parsed.data;
    if (parsed.data.type === 'subscribe') this.subscribe(peer, jobId);
    else this.unsubscribe(peer, jobId);
  }

  private subscribe(peer: Peer, jobId: string): void {
    const job = this.options.lookup(jobId);
    if (job === undefined) return this.sendError(peer, 'Unknown job: this server has no job with that id.', jobId);
    // Subscribing twice is one subscription; the ack (and snapshot) is sent again so a client can re-sync.
    if (!peer.subscriptions.has(jobId)) {
      if (peer.subscriptions.size >= this.options.maxSubscriptions) {
        return this.sendError(peer, `This connection already follows ${this.options.maxSubscriptions} jobs, the most allowed; unsubscribe from some first.`, jobId);
      }
      peer.subscriptions.add(jobId);
      const peers = this.subscribers.get(jobId) ?? new Set<Peer>();
      peers.add(peer);
      this.subscribers.set(jobId, peers);
    }
    // Sent after the subscription exists, so no update can fall between the snapshot and the live stream.
    this.send(peer, JSON.stringify({ type: 'subscribed', jobId, timestamp: new Date().toISOString(), ...(this.snapshot && snapshotOf(job)) }));
  }

  private unsubscribe(peer: Peer, jobId: string): void {
    if (peer.subscriptions.delete(jobId)) {
      const peers = this.subscribers.get(jobId);
      peers?.delete(peer);
      if (peers?.size === 0) this.subscribers.delete(jobId);
    }
    this.send(peer, JSON.stringify({ type: 'unsubscribed', jobId, timestamp: new Date().toISOString() }));
  }

  private sendError(peer: Peer, message: string, jobId?: string): void {
    this.send(peer, JSON.stringify({ type: 'error', message, ...(jobId !== undefined && { jobId }) }));
  }

  private send(peer: Peer, text: string): void {
    if (peer.silenced || peer.socket.readyState !== WebSocket.OPEN) return;
    // A client that stopped reading would make the server buffer without end; cut it off, it will reconnect and catch up.
    if (peer.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.options.log('ws: client stopped reading; connection terminated');
      peer.socket.terminate();
      return;
    }
    peer.socket.send(text);
  }

  /** Terminates peers that did not answer the previous ping (vanished clients), pings the rest. */
  private pingAll(): void {
    for (const peer of this.peers) {
      if (peer.silenced) continue;
      if (!peer.alive) {
        peer.socket.terminate();
        continue;
      }
      peer.alive = false;
      peer.socket.ping();
    }
  }
}

function snapshotOf(job: JobView): Record<string, unknown> {
  return {
    status: job.status,
    phase: job.phase,
    message: job.message,
    seq: job.seq,
    ...(job.status === 'failed' && { attempt: job.attempt, maxAttempts: job.maxAttempts, willRetry: job.willRetry }),
  };
}

function rawSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : data.toString('utf8');
}
