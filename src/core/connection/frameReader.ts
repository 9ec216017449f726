/**
 * Turns one raw WebSocket frame into a typed server message, or a reason why
 * it is not one. Never throws: a bad frame is counted and dropped by the
 * caller, it must not take the connection (or the process) down.
 */
import {
  serverMessageSchema,
  type ServerMessage,
  type StatusUpdateMessage,
  type SubscribedMessage,
} from '../../shared/protocol';
import type { StatusUpdate } from '../../shared/jobState';
import { MAX_FRAME_BYTES } from './timings';

export type FrameReading =
  | { ok: true; message: ServerMessage }
  | { ok: false; reason: 'binary' | 'too_large' | 'not_json' | 'unknown_type' | 'wrong_shape' };

const KNOWN_TYPES = new Set(['status_update', 'subscribed', 'unsubscribed', 'error']);

export function frameByteLength(data: unknown): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (Array.isArray(data)) return data.reduce((sum: number, part: Buffer) => sum + part.length, 0);
  if (typeof data === 'string') return Buffer.byteLength(data);
  return 0;
}

export function readFrame(data: unknown, isBinary: boolean): FrameReading {
  if (isBinary) return { ok: false, reason: 'binary' };
  if (frameByteLength(data) > MAX_FRAME_BYTES) return { ok: false, reason: 'too_large' };
  const text = Buffer.isBuffer(data)
    ? data.toString('utf8')
    : Array.isArray(data)
      ? Buffer.concat(data as Buffer[]).toString('utf8')
      : data instanceof ArrayBuffer
        ? Buffer.from(data).toString('utf8')
        : String(data);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'wrong_shape' };
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) return { ok: false, reason: 'unknown_type' };
  const parsed = serverMessageSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'wrong_shape' };
  return { ok: true, message: parsed.data };
}

/** A status_update frame as an input of the shared state machine. */
export function updateFromStatusFrame(message: StatusUpdateMessage): StatusUpdate {
  return {
    jobId: message.jobId,
    status: message.status,
    phase: message.phase,
    message: message.message,
    timestamp: message.timestamp,
    ...retryAndSeq(message),
  };
}

/** The snapshot of a `subscribed` ack (extension), or null when the server sent none. */
export function snapshotFromAck(message: SubscribedMessage): StatusUpdate | null {
  if (message.status === undefined || message.phase === undefined) return null;
  return {
    jobId: message.jobId,
    status: message.status,
    phase: message.phase,
    message: message.message ?? '',
    timestamp: message.timestamp,
    ...retryAndSeq(message),
  };
}

function retryAndSeq(message: StatusUpdateMessage | SubscribedMessage): Partial<StatusUpdate> {
  return {
    ...(message.seq !== undefined && { seq: message.seq }),
    ...(message.attempt !== undefined && { attempt: message.attempt }),
    ...(message.maxAttempts !== undefined && { maxAttempts: message.maxAttempts }),
    ...(message.willRetry !== undefined && { willRetry: message.willRetry }),
  };
}
