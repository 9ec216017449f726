/**
 * Turns one raw WebSocket frame into a typed server message, or a reason why
 * it is not one. Never throws: a bad frame is counted and dropped by the
 * caller, it must not take the connection (or the process) down.
 */
import { serverMessageSchema, type ServerMessage } from '../../shared/protocol';
import { MAX_FRAME_BYTES } from './timings';

export type FrameReading =
  | { ok: true; message: ServerMessage }
  | { ok: false; reason: 'binary' | 'too_large' | 'not_json' | 'unknown_type' | 'wrong_shape' };

const KNOWN_TYPES = new Set(['status_update', 'subscribed', 'unsubscribed', 'error']);

export function frameByteLength(data: unknown): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (Array.isArray(data)) return data.reduce((sum: number, part: Buffer) => sum + part.length, 0);
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
