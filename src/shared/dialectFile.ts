/**
 * A custom dialect file (PROTOCOL.md "Backend dialects"): JSON that takes a
 * built-in Socket.IO dialect and renames what differs, for integrators whose
 * backend differs in names only. Every key is checked: a misspelt or
 * mistyped field is refused with its path, never silently ignored.
 *
 *   { "name": "acme", "base": "socketio-events",
 *     "rest": { "upload": "/v2/upload" }, "events": { "updates": ["progress"] },
 *     "statuses": { "NEW": "queued", "RUNNING": "processing", "OK": "completed", "ERR": "failed" } }
 *
 * `statuses`, when given, replaces the base's vocabulary whole (a vocabulary
 * with the base's words mixed in would accept words the backend never sends).
 */
import { z } from 'zod';
import { builtInSocketIoDialect, STATUS_MEANINGS, type SocketIoDialect } from './dialect';

const name = z.string().trim().min(1).max(100);
const path = z
  .string()
  .max(300)
  .regex(/^\/[A-Za-z0-9._~\-/{}:]*$/, 'must be a path starting with "/" (letters, digits, "/", "{id}")');
const idPath = path.refine((text) => text.split('{id}').length === 2, 'must contain "{id}" exactly once');
const field = z.string().min(1).max(100);
const event = z.string().min(1).max(100);

export const dialectFileSchema = z.strictObject({
  name,
  base: z.enum(['socketio-rooms', 'socketio-events']),
  rest: z.strictObject({ upload: path, status: idPath, cancel: idPath.nullable(), batch: idPath.nullable() }).partial().optional(),
  form: z.strictObject({ chartNumber: field, documents: field, batchId: field.nullable() }).partial().optional(),
  fields: z
    .strictObject({ jobId: field, objectId: field, status: field, progress: field, message: field, timestamp: field, batchId: field })
    .partial()
    .optional(),
  events: z
    .strictObject({
      subscribe: event,
      unsubscribe: event,
      subscribed: event.nullable(),
      updates: z.array(event).min(1).max(10),
      error: event,
      connection: event.nullable(),
      subscribeBatch: event.nullable(),
      unsubscribeBatch: event.nullable(),
      batchUpdate: event.nullable(),
    })
    .partial()
    .optional(),
  statuses: z
    .record(z.string().min(1).max(100), z.enum(STATUS_MEANINGS))
    .refine((words) => Object.values(words).includes('completed'), 'must name the word for "completed"')
    .optional(),
});

export type DialectFile = z.infer<typeof dialectFileSchema>;

export type DialectFileReading = { ok: true; dialect: SocketIoDialect } | { ok: false; message: string };

/** The dialect a file describes, or every problem, each naming its field (`events.updates: …`). */
export function parseDialectFile(json: unknown): DialectFileReading {
  const parsed = dialectFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.length === 0 ? '(file)' : issue.path.join('.')}: ${issue.message}`);
    return { ok: false, message: problems.join('; ') };
  }
  const file = parsed.data;
  const base = builtInSocketIoDialect(file.base);
  return {
    ok: true,
    dialect: {
      name: file.name,
      base: file.base,
      rest: { ...base.rest, ...file.rest },
      form: { ...base.form, ...file.form },
      fields: { ...base.fields, ...file.fields },
      events: { ...base.events, ...file.events },
      statuses: file.statuses ?? base.statuses,
    },
  };
}
