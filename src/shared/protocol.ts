/**
 * Zod schemas for every message of PROTOCOL.md. Server-bound and client-bound
 * frames, the REST bodies, and the helpers both sides use to read them.
 * Parsing is tolerant where the protocol says so: unknown fields are dropped,
 * unknown phases and statuses are kept as plain strings.
 */
import { z } from 'zod';
import { CHART_NUMBER_PATTERN, CHART_NUMBER_RULE } from './chartNumber';

export const chartNumberSchema = z
  .string()
  .regex(CHART_NUMBER_PATTERN, CHART_NUMBER_RULE);

const jobId = z.string().min(1).max(200);
const timestamp = z.string().min(1).max(100);
const seq = z.number().int().nonnegative();

/** An optional field that does not parse is treated as absent, instead of making the whole message unreadable. */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/**
 * Optional retry fields of a failure (extension). Lenient in frames as in status reads: a failure whose
 * `attempt` is 0 is still a failure, and dropping its frame whole would lose it.
 */
const retryFields = {
  attempt: lenient(z.number().int().positive()),
  maxAttempts: lenient(z.number().int().positive()),
  willRetry: lenient(z.boolean()),
};

// ---- client → server -------------------------------------------------------

export const subscribeMessageSchema = z.object({ type: z.literal('subscribe'), jobId });
export const unsubscribeMessageSchema = z.object({ type: z.literal('unsubscribe'), jobId });
export const clientMessageSchema = z.discriminatedUnion('type', [subscribeMessageSchema, unsubscribeMessageSchema]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

// ---- server → client -------------------------------------------------------

export const statusUpdateMessageSchema = z.object({
  type: z.literal('status_update'),
  jobId,
  status: z.string().max(100),
  phase: z.string().max(100),
  message: z.string().transform(clipMessage).optional().default(''),
  timestamp,
  seq: seq.optional(),
  ...retryFields,
});

export const subscribedMessageSchema = z.object({
  type: z.literal('subscribed'),
  jobId,
  timestamp,
  // The snapshot (extension): present only on servers that implement it.
  status: z.string().max(100).optional(),
  phase: z.string().max(100).optional(),
  message: z.string().transform(clipMessage).optional(),
  seq: seq.optional(),
  ...retryFields,
});

export const unsubscribedMessageSchema = z.object({ type: z.literal('unsubscribed'), jobId, timestamp });

export const errorMessageSchema = z.object({
  type: z.literal('error'),
  message: z.string().transform(clipMessage),
  jobId: jobId.optional(),
});

export const serverMessageSchema = z.discriminatedUnion('type', [
  statusUpdateMessageSchema,
  subscribedMessageSchema,
  unsubscribedMessageSchema,
  errorMessageSchema,
]);

export type StatusUpdateMessage = z.infer<typeof statusUpdateMessageSchema>;
export type SubscribedMessage = z.infer<typeof subscribedMessageSchema>;
export type UnsubscribedMessage = z.infer<typeof unsubscribedMessageSchema>;
export type ErrorMessage = z.infer<typeof errorMessageSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;

// ---- REST ------------------------------------------------------------------

export const uploadResponseSchema = z.object({
  jobId,
  chartNumber: z.string().optional(),
  documents: z.array(z.object({ name: z.string(), size: z.number() })).optional(),
  status: z.string().optional(),
});
export type UploadResponse = z.infer<typeof uploadResponseSchema>;

export const ERROR_CODES = [
  'bad_request',
  'invalid_chart_number',
  'no_documents',
  'bad_multipart',
  'unauthorized',
  'forbidden',
  'payload_too_large',
  'unsupported_media_type',
  'too_many_requests',
  'not_found',
  'method_not_allowed',
  'upgrade_required',
  'internal_error',
  'unavailable',
] as const;

export const errorBodySchema = z.object({ error: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * §2 bodies are read with tolerance: an optional field of the wrong type is
 * treated as absent instead of making the whole body unreadable (a server
 * sending a numeric timestamp still tells us the phase).
 */
export const statusJobSchema = z.object({
  jobId: jobId.optional(),
  status: lenient(z.string().max(100)),
  phase: lenient(z.string().max(100)),
  message: lenient(z.string().transform(clipMessage).nullable()),
  timestamp: lenient(timestamp),
  seq: lenient(seq),
  ...retryFields,
});
export type StatusJob = z.infer<typeof statusJobSchema>;

export const statusResponseSchema = z.object({
  chartNumber: lenient(z.string()),
  jobs: lenient(z.array(z.unknown())),
  results: z.unknown().optional(),
  status: lenient(z.string()),
  phase: lenient(z.string()),
  message: lenient(z.string().transform(clipMessage).nullable()),
  timestamp: lenient(z.string()),
  seq: lenient(seq),
});

/** The status snapshot of one job, as read from §2 with the tolerance the protocol asks for. */
export interface StatusSnapshot {
  jobId: string;
  status: string;
  phase: string;
  message: string;
  /** Absent when the server's §2 body carries none; ordering then falls back to rank. */
  timestamp?: string;
  seq?: number;
  attempt?: number;
  maxAttempts?: number;
  willRetry?: boolean;
}

/**
 * Finds `jobId` in a §2 body: in `jobs[]` when the body has such a list, else
 * the top-level `status`/`phase`/`message`. Returns null when neither holds it.
 */
export function readJobFromStatusBody(body: unknown, wanted: string): StatusSnapshot | null {
  const parsed = statusResponseSchema.safeParse(body);
  if (!parsed.success) return null;
  const top = parsed.data;
  if (Array.isArray(top.jobs)) {
    for (const raw of top.jobs) {
      const entry = statusJobSchema.safeParse(raw);
      if (entry.success && entry.data.jobId === wanted) return toSnapshot(wanted, entry.data);
    }
    return null;
  }
  return toSnapshot(wanted, { ...top, message: top.message ?? undefined });
}

function toSnapshot(id: string, entry: StatusJob): StatusSnapshot | null {
  // Each stands for the other when the server sends one alone.
  const status = entry.status ?? entry.phase;
  if (status === undefined) return null;
  const phase = entry.phase ?? status;
  return {
    jobId: id,
    status,
    phase,
    message: entry.message ?? '',
    ...(entry.timestamp !== undefined && { timestamp: entry.timestamp }),
    ...(entry.seq !== undefined && { seq: entry.seq }),
    ...(entry.attempt !== undefined && { attempt: entry.attempt }),
    ...(entry.maxAttempts !== undefined && { maxAttempts: entry.maxAttempts }),
    ...(entry.willRetry !== undefined && { willRetry: entry.willRetry }),
  };
}

/**
 * A human message (a backend's traceback can be long) is cut, never a reason to drop the frame or the status
 * read it came with: a dropped `failed` update leaves the job open, and a dropped ack is retried by
 * reconnecting, forever; a status read keeps the server's words, cut like a frame's.
 */
function clipMessage(text: string): string {
  return text.slice(0, 10_000);
}
