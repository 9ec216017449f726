/**
 * The Socket.IO side of the reference server for the `socketio-rooms` and
 * `socketio-events` dialects (PROTOCOL.md "Backend dialects"): rooms per job
 * and per batch, acks by callback (rooms) or by a `subscribed` event (events),
 * the token in the connect packet refused either with a `connect_error`
 * (seed 004) or by a disconnect right after connect (seed 003), and the same
 * test switches as the WebSocket hub plus one that stops acknowledging joins.
 */
import { type Server as HttpServer } from 'node:http';
import { type Server as HttpsServer } from 'node:https';
import { Server, type Socket } from 'socket.io';
import { type SocketIoDialect } from '../shared/dialect';
import { batchObject, dialectJobObject, meaningOf, type DialectJob } from './dialectView';
import { type StatusUpdateFrame } from './statusPublisher';

export type AuthRefusal = 'connect_error' | 'disconnect';

export interface SocketIoHubOptions {
  dialect: SocketIoDialect;
  token: string | null;
  authRefusal: AuthRefusal;
  pingMs: number;
  snapshot: boolean;
  enabled: boolean;
  maxSubscriptions: number;
  lookup(jobId: string): DialectJob | undefined;
  batchOf(jobId: string): string | undefined;
  jobsOfBatch(batchId: string): DialectJob[];
  /** Host/Origin check of the HTTP side; null lets the handshake through. */
  refuse(headers: Record<string, string | string[] | undefined>): string | null;
  log(line: string): void;
  onConnection(): void;
}

const jobRoom = (jobId: string): string => `job:${jobId}`;
const batchRoom = (batchId: string): string => `batch:${batchId}`;

export class SocketIoHub {
  private readonly io: Server;
  private readonly dialect: SocketIoDialect;
  private snapshot: boolean;
  private enabled: boolean;
  private joinAcks = true;

  constructor(http: HttpServer | HttpsServer, private readonly options: SocketIoHubOptions) {
    this.dialect = options.dialect;
    this.snapshot = options.snapshot;
    this.enabled = options.enabled;
    this.io = new Server(http, {
      path: '/socket.io',
      serveClient: false,
      pingInterval: options.pingMs,
      pingTimeout: Math.max(1000, Math.min(20_000, options.pingMs)),
      maxHttpBufferSize: 1024 * 1024,
      allowRequest: (req, done) => {
        const refusal = this.enabled ? options.refuse(req.headers) : 'endpoint off';
        if (refusal !== null) options.log(`socket.io: handshake refused (${refusal})`);
        done(refusal, refusal === null);
      },
    });
    this.io.engine.on('connection', () => options.onConnection());
    this.io.use((socket, next) => {
      if (this.tokenAccepted(socket) || options.authRefusal !== 'connect_error') return next();
      options.log('socket.io: connect refused (unauthorized)');
      next(new Error('unauthorized'));
    });
    this.io.on('connection', (socket) => this.attach(socket));
  }

  /** One pipeline change: to the job's room, and the batch's progress to the batch's room. */
  publish(frame: StatusUpdateFrame): void {
    const job = this.options.lookup(frame.jobId) ?? { ...frame, willRetry: frame.willRetry ?? false };
    const batchId = this.options.batchOf(frame.jobId);
    this.io.to(jobRoom(frame.jobId)).emit(this.eventFor(job), dialectJobObject(this.dialect, job, batchId));
    const batchEvent = this.dialect.events.batchUpdate;
    if (batchId !== undefined && batchEvent !== null) {
      this.io.to(batchRoom(batchId)).emit(batchEvent, batchObject(this.dialect, batchId, this.options.jobsOfBatch(batchId)));
    }
  }

  setSnapshot(on: boolean): void {
    this.snapshot = on;
  }

  setEnabled(on: boolean): void {
    this.enabled = on;
    if (!on) this.dropAll();
  }

  /** Off: joins still join the room, but no ack (callback or `subscribed`) is ever sent. */
  setJoinAcks(on: boolean): void {
    this.joinAcks = on;
  }

  /** Closes every transport under its socket: to the client this is a lost connection, not a server's goodbye. */
  dropAll(): void {
    for (const socket of this.io.sockets.sockets.values()) socket.conn.close();
  }

  close(): void {
    this.dropAll();
    // io.close() would also close the HTTP server, which the reference server closes itself.
    this.io.engine.close();
  }

  private tokenAccepted(socket: Socket): boolean {
    if (this.options.token === null) return true;
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    return token === this.options.token;
  }

  private attach(socket: Socket): void {
    if (!this.tokenAccepted(socket)) {
      // Seed 003: a token that does not validate is answered by disconnecting the client.
      this.options.log('socket.io: unauthorized client disconnected');
      socket.disconnect(true);
      return;
    }
    this.options.log(`socket.io: connection opened (${this.io.sockets.sockets.size} open)`);
    const { events, fields } = this.dialect;
    if (events.connection !== null) socket.emit(events.connection, { connected: true, session_id: socket.id });
    socket.on(events.subscribe, (payload: unknown, ack?: unknown) => this.subscribe(socket, payload, typeof ack === 'function' ? (ack as (body: unknown) => void) : null));
    socket.on(events.unsubscribe, (payload: unknown) => {
      const jobId = idIn(payload, fields.jobId);
      if (jobId !== null) void socket.leave(jobRoom(jobId));
    });
    if (events.subscribeBatch !== null) {
      socket.on(events.subscribeBatch, (payload: unknown) => {
        const batchId = idIn(payload, fields.batchId);
        if (batchId === null) return this.sendError(socket, `"${events.subscribeBatch}" needs a "${fields.batchId}".`);
        void socket.join(batchRoom(batchId));
        const jobs = this.options.jobsOfBatch(batchId);
        if (jobs.length > 0 && events.batchUpdate !== null) socket.emit(events.batchUpdate, batchObject(this.dialect, batchId, jobs));
      });
    }
    if (events.unsubscribeBatch !== null) {
      socket.on(events.unsubscribeBatch, (payload: unknown) => {
        const batchId = idIn(payload, fields.batchId);
        if (batchId !== null) void socket.leave(batchRoom(batchId));
      });
    }
    socket.on('disconnect', () => this.options.log(`socket.io: connection closed (${this.io.sockets.sockets.size} open)`));
  }

  private subscribe(socket: Socket, payload: unknown, ack: ((body: unknown) => void) | null): void {
    const { events, fields } = this.dialect;
    const jobId = idIn(payload, fields.jobId);
    if (jobId === null) return this.sendError(socket, `"${events.subscribe}" needs a "${fields.jobId}".`);
    const job = this.options.lookup(jobId);
    if (job === undefined) {
      this.sendError(socket, 'Unknown job: this server has no job with that id.', jobId);
      return;
    }
    const rooms = [...socket.rooms].filter((room) => room.startsWith('job:')).length;
    if (!socket.rooms.has(jobRoom(jobId)) && rooms >= this.options.maxSubscriptions) {
      return this.sendError(socket, `This connection already follows ${this.options.maxSubscriptions} jobs, the most allowed.`, jobId);
    }
    // Joined before the ack is built, so no update can fall between the snapshot and the room.
    void socket.join(jobRoom(jobId));
    if (!this.joinAcks) return;
    const snapshot = this.snapshot ? dialectJobObject(this.dialect, job, this.options.batchOf(jobId)) : {};
    if (events.subscribed === null) ack?.(this.snapshot ? snapshot : null);
    else socket.emit(events.subscribed, { ...snapshot, [fields.jobId]: jobId });
  }

  private sendError(socket: Socket, message: string, jobId?: string): void {
    socket.emit(this.dialect.events.error, { message, ...(jobId !== undefined && { [this.dialect.fields.jobId]: jobId }) });
  }

  /** Seed 004 names the event after the outcome; a dialect with one update event uses it for all. */
  private eventFor(job: DialectJob): string {
    const updates = this.dialect.events.updates;
    const meaning = meaningOf(job);
    const index = meaning === 'completed' ? 1 : meaning === 'failed' || meaning === 'blocked' || meaning === 'cancelled' ? 2 : 0;
    return updates[Math.min(index, updates.length - 1)] ?? updates[0] ?? 'job_progress';
  }
}

function idIn(payload: unknown, field: string): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const value = (payload as Record<string, unknown>)[field];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : null;
}
