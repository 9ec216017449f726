/**
 * Two ways to follow the same status stream, so their latencies can be put
 * side by side: Intake's ConnectionManager (the product), and a bare `ws`
 * client that subscribes and JSON-parses each frame and does nothing else
 * (the floor: no client can be faster than reading the frame).
 */
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import type { SocketIoDialect } from '../../src/shared/dialect';
import { ConnectionManager } from '../../src/core/connection/ConnectionManager';
import { silentLogger } from '../../src/core/base/logger';
import { benchNow, readStamp, type Stamp } from '../benchClock';
import type { SeededJob } from './seedJobs';
import { waitFor } from './waitFor';

export interface StreamReceiver {
  readonly label: string;
  /** Server socket write → state change here (ms), per update since `arm()`. */
  readonly latencies: number[];
  /** The reference server's own part: emitStatus() → socket write (ms). */
  readonly serverDelays: number[];
  /** Updates whose socket-write stamp was missing (then timed from emitStatus()); should stay 0. */
  unstamped(): number;
  /** Connects and subscribes every job; resolves once all are caught up. */
  open(jobs: SeededJob[]): Promise<void>;
  /** Starts recording: anything before (snapshots of older runs) is ignored. */
  arm(): void;
  close(): Promise<void>;
}

/** Records one arrival; `armed` keeps snapshots of earlier runs out. */
function recorder() {
  const latencies: number[] = [];
  const serverDelays: number[] = [];
  let armed = false;
  let unstamped = 0;
  return {
    latencies,
    serverDelays,
    unstamped: () => unstamped,
    arm: () => {
      armed = true;
    },
    record(stamp: Stamp | null, arrivedAt: number) {
      if (!armed || stamp === null) return;
      latencies.push(arrivedAt - (stamp.sentAt ?? stamp.emittedAt));
      if (stamp.sentAt !== null) serverDelays.push(stamp.sentAt - stamp.emittedAt);
      else unstamped += 1;
    },
  };
}

export function bareWsReceiver(wsUrl: string): StreamReceiver {
  const { latencies, serverDelays, unstamped, arm, record } = recorder();
  let socket: WebSocket | null = null;
  return {
    label: 'bare ws',
    latencies,
    serverDelays,
    unstamped,
    arm,
    async open(jobs) {
      const acked = new Set<string>();
      const ws = new WebSocket(wsUrl);
      socket = ws;
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type?: string; jobId?: string; message?: string };
        if (frame.type === 'status_update') record(readStamp(frame.message), benchNow());
        else if (frame.type === 'subscribed' && frame.jobId) acked.add(frame.jobId);
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      for (const job of jobs) ws.send(JSON.stringify({ type: 'subscribe', jobId: job.jobId }));
      await waitFor(() => acked.size === jobs.length, `${jobs.length} subscribe acks (bare ws)`);
    },
    async close() {
      if (!socket) return;
      const ws = socket;
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.close();
      await closed;
    },
  };
}

/**
 * The peer of a Socket.IO dialect: a bare socket.io-client that subscribes the
 * dialect's way and reads each update's payload, and does nothing else.
 */
export function bareSocketIoReceiver(baseUrl: string, dialect: SocketIoDialect): StreamReceiver {
  const { latencies, serverDelays, unstamped, arm, record } = recorder();
  const socket = io(new URL(baseUrl).origin, { path: '/socket.io', transports: ['websocket'], reconnection: false, autoConnect: false });
  const { events, fields } = dialect;
  return {
    label: 'bare socket.io-client',
    latencies,
    serverDelays,
    unstamped,
    arm,
    async open(jobs) {
      const acked = new Set<string>();
      for (const event of events.updates) socket.on(event, (payload: Record<string, unknown>) => record(readStamp(payload[fields.message] as string), benchNow()));
      if (events.subscribed !== null) socket.on(events.subscribed, (payload: Record<string, unknown>) => acked.add(String(payload[fields.jobId])));
      socket.connect();
      await waitFor(() => socket.connected, 'socket.io connected (bare)');
      for (const job of jobs) {
        if (events.subscribed === null) socket.emit(events.subscribe, { [fields.jobId]: job.jobId }, () => acked.add(job.jobId));
        else socket.emit(events.subscribe, { [fields.jobId]: job.jobId });
      }
      await waitFor(() => acked.size === jobs.length, `${jobs.length} subscribe acks (bare socket.io-client)`);
    },
    async close() {
      socket.close();
    },
  };
}

/** Intake's engine on the intake contract, or on a Socket.IO dialect. */
export function intakeReceiver(baseUrl: string, dialect?: SocketIoDialect): StreamReceiver {
  const { latencies, serverDelays, unstamped, arm, record } = recorder();
  const manager = new ConnectionManager({ baseUrl, logger: silentLogger, ...(dialect && { dialect }) });
  return {
    label: 'Intake ConnectionManager',
    latencies,
    serverDelays,
    unstamped,
    arm,
    async open(jobs) {
      const seen = new Set<string>();
      manager.onJob((job) => {
        seen.add(job.jobId);
        record(readStamp(job.message), benchNow());
      });
      manager.start();
      for (const job of jobs) manager.track(job.jobId, { chartNumber: job.chartNumber });
      await waitFor(() => seen.size === jobs.length, `${jobs.length} jobs caught up (ConnectionManager)`);
    },
    close: () => manager.dispose(),
  };
}
