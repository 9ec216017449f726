/**
 * A Socket.IO backend's job objects as status updates of the shared state
 * machine (PROTOCOL.md "Backend dialects"). Read tolerantly: the dialect's
 * field names, ids as numbers or strings, unknown fields ignored, unknown
 * status words kept as they are. Never throws; a payload that is not a job
 * object of a known job id is a reason, counted by the caller.
 */
import { statusMeaning, type SocketIoDialect } from '../../shared/dialect';
import type { StatusUpdate } from '../../shared/jobState';
import type { BatchProgress } from './transport';

const MAX_TEXT = 10_000;

/** An id as the backends send it: a string, or a number (seed 002's integer ids). */
export function idFrom(payload: unknown, field: string): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const value = (payload as Record<string, unknown>)[field];
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : null;
}

export function updateFromJobObject(dialect: SocketIoDialect, payload: unknown, fallbackId?: string): StatusUpdate | 'wrong_shape' {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'wrong_shape';
  const object = payload as Record<string, unknown>;
  const { fields } = dialect;
  const jobId = idFrom(object, fields.objectId) ?? idFrom(object, fields.jobId) ?? fallbackId ?? null;
  const word = object[fields.status];
  if (jobId === null || typeof word !== 'string' || word.length === 0 || word.length > 100) return 'wrong_shape';
  const meaning = statusMeaning(dialect, word);
  // The meaning is the state machine's status and phase; an unknown word is both, shown as it is.
  const status = meaning ?? word;
  const update: StatusUpdate = { jobId, status, phase: status, statusWord: word, message: textOf(object[fields.message]) };
  const timestamp = object[fields.timestamp];
  if (typeof timestamp === 'string' && timestamp.length > 0 && timestamp.length <= 100) update.timestamp = timestamp;
  const progress = object[fields.progress];
  if (typeof progress === 'number' && Number.isFinite(progress)) update.progress = Math.min(100, Math.max(0, progress));
  return update;
}

/** Seed 004's `batch:update`; null when it names no batch. */
export function batchFromPayload(dialect: SocketIoDialect, payload: unknown): BatchProgress | null {
  const batchId = idFrom(payload, dialect.fields.batchId);
  if (batchId === null) return null;
  const object = payload as Record<string, unknown>;
  const count = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null);
  return {
    batchId,
    total: count(object.total),
    completed: count(object.completed),
    progress: count(object.progress),
    status: textOf(object.status),
    message: textOf(object.message),
  };
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MAX_TEXT) : '';
}
