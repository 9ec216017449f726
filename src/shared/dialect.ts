/**
 * Backend dialects (PROTOCOL.md "Backend dialects"): the names a Socket.IO
 * backend uses for its REST paths, multipart fields, events, payload fields
 * and status words. The client's dialect port and the reference server read
 * the same description, so a renamed backend is one value, not two codes.
 * `intake` is the plain-WebSocket contract of PROTOCOL.md §1–4 and has no
 * description here: its names are the protocol's own.
 */

export const BUILT_IN_DIALECTS = ['intake', 'socketio-rooms', 'socketio-events'] as const;
export type BuiltInDialect = (typeof BUILT_IN_DIALECTS)[number];
export type SocketIoBase = Exclude<BuiltInDialect, 'intake'>;

/** What a backend status word means to Intake. `blocked`: held by a quality check, needs a person (seed 004). */
export const STATUS_MEANINGS = ['queued', 'processing', 'completed', 'failed', 'cancelled', 'blocked'] as const;
export type StatusMeaning = (typeof STATUS_MEANINGS)[number];

export interface SocketIoDialect {
  /** `socketio-rooms`, `socketio-events`, or the custom file's `name`. */
  readonly name: string;
  /** The built-in this one follows in behaviour (acks by callback or by event, batches). */
  readonly base: SocketIoBase;
  /** Paths under the REST base; `{id}` is the job (or batch) id. null: the backend has no such route. */
  readonly rest: { readonly upload: string; readonly status: string; readonly cancel: string | null; readonly batch: string | null };
  /** Multipart field names of an upload; batchId null: the backend knows no batches. */
  readonly form: { readonly chartNumber: string; readonly documents: string; readonly batchId: string | null };
  readonly fields: {
    /** The id in upload answers, subscribe payloads and error events. */
    readonly jobId: string;
    /** The id inside a job object (update payloads, status bodies, snapshots). */
    readonly objectId: string;
    readonly status: string;
    readonly progress: string;
    readonly message: string;
    readonly timestamp: string;
    readonly batchId: string;
  };
  readonly events: {
    readonly subscribe: string;
    readonly unsubscribe: string;
    /** The ack event; null: the server acknowledges the subscribe emit's callback. */
    readonly subscribed: string | null;
    readonly updates: readonly string[];
    readonly error: string;
    /** Emitted by the server on connect (seed 004); null when it sends none. */
    readonly connection: string | null;
    readonly subscribeBatch: string | null;
    readonly unsubscribeBatch: string | null;
    readonly batchUpdate: string | null;
  };
  /** Backend status word → meaning. The first word of a meaning is the one a server sends. */
  readonly statuses: Readonly<Record<string, StatusMeaning>>;
}

export const SOCKETIO_ROOMS: SocketIoDialect = {
  name: 'socketio-rooms',
  base: 'socketio-rooms',
  rest: { upload: '/v1/process-pdf', status: '/v1/jobs/{id}', cancel: '/v1/jobs/{id}/cancel', batch: null },
  form: { chartNumber: 'chart_number', documents: 'file', batchId: null },
  fields: { jobId: 'job_id', objectId: 'id', status: 'status', progress: 'progress_percent', message: 'error_message', timestamp: 'updated_at', batchId: 'batch_id' },
  events: {
    subscribe: 'join_job',
    unsubscribe: 'leave_job',
    subscribed: null,
    updates: ['job_progress'],
    error: 'error',
    connection: null,
    subscribeBatch: null,
    unsubscribeBatch: null,
    batchUpdate: null,
  },
  statuses: { pending: 'queued', processing: 'processing', completed: 'completed', failed: 'failed', cancelled: 'cancelled' },
};

export const SOCKETIO_EVENTS: SocketIoDialect = {
  name: 'socketio-events',
  base: 'socketio-events',
  rest: { upload: '/jobs', status: '/jobs/{id}', cancel: null, batch: '/batches/{id}' },
  form: { chartNumber: 'chart_number', documents: 'documents', batchId: 'batch_id' },
  fields: { jobId: 'job_id', objectId: 'job_id', status: 'status', progress: 'progress', message: 'message', timestamp: 'timestamp', batchId: 'batch_id' },
  events: {
    subscribe: 'subscribe:job',
    unsubscribe: 'unsubscribe:job',
    subscribed: 'subscribed',
    updates: ['job:update', 'job:completed', 'job:error'],
    error: 'error',
    connection: 'connection',
    subscribeBatch: 'subscribe:batch',
    unsubscribeBatch: 'unsubscribe:batch',
    batchUpdate: 'batch:update',
  },
  statuses: { PENDING: 'queued', PROCESSING: 'processing', DELIVERED: 'completed', BLOCKED: 'blocked', ABORTED: 'failed' },
};

export function builtInSocketIoDialect(base: SocketIoBase): SocketIoDialect {
  return base === 'socketio-rooms' ? SOCKETIO_ROOMS : SOCKETIO_EVENTS;
}

/** The intake contract, or a Socket.IO dialect described in full. */
export type Dialect = { readonly name: 'intake' } | SocketIoDialect;
export const INTAKE_DIALECT: Dialect = Object.freeze({ name: 'intake' as const });

/** Two dialects that say the same thing are one backend type: a copy that crossed a process boundary is no change. */
export function sameDialect(a: Dialect | undefined, b: Dialect | undefined): boolean {
  return sameData(a, b);
}

function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

export function isSocketIoDialect(dialect: Dialect): dialect is SocketIoDialect {
  return 'base' in dialect;
}

/** The meaning of a backend word; unknown words are shown as they are and treated as work in progress. */
export function statusMeaning(dialect: SocketIoDialect, word: string): StatusMeaning | null {
  return Object.hasOwn(dialect.statuses, word) ? (dialect.statuses[word] ?? null) : null;
}

/** The word a server of this dialect sends for a meaning (the first one listed), or null when it has none. */
export function statusWord(dialect: SocketIoDialect, meaning: StatusMeaning): string | null {
  for (const [word, means] of Object.entries(dialect.statuses)) if (means === meaning) return word;
  return null;
}

/** A REST path of the dialect with the id filled in (percent-encoded). */
export function dialectPath(template: string, id: string): string {
  return template.replace('{id}', encodeURIComponent(id));
}

/** The Socket.IO endpoint: the origin of the REST base, path `/socket.io` (PROTOCOL.md "Backend dialects"). */
export function deriveSocketIoUrl(restBase: string): string {
  return `${new URL(restBase).origin}/socket.io`;
}
