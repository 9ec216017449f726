/**
 * The REST routes of a Socket.IO dialect (PROTOCOL.md "Backend dialects"):
 * upload, job status, batch status and, where the dialect has it, cancel.
 * Paths come from the dialect description, so a renamed backend is served
 * from the same code.
 */
import { type ServerResponse } from 'node:http';
import { type SocketIoDialect } from '../shared/dialect';
import { answerEarly, sendError, sendJson } from './httpReply';
import { API_PREFIX, sendCancelAnswer, type CancelAnswer, type Route } from './httpRouter';
import { batchObject, dialectJobObject, type DialectJob } from './dialectView';
import { type UploadContext, handleUpload } from './uploadHandler';

export interface DialectRouteContext {
  dialect: SocketIoDialect;
  upload: UploadContext;
  lookup(jobId: string): DialectJob | undefined;
  batchOf(jobId: string): string | undefined;
  jobsOfBatch(batchId: string): DialectJob[];
  cancel(jobId: string): CancelAnswer;
}

export function dialectRoutes(ctx: DialectRouteContext): Route[] {
  const { dialect } = ctx;
  const routes: Route[] = [
    {
      pattern: `${API_PREFIX}${dialect.rest.upload}`,
      match: template(dialect.rest.upload),
      methods: { POST: (req, res) => handleUpload(req, res, ctx.upload) },
    },
    {
      pattern: `${API_PREFIX}${dialect.rest.status}`,
      match: template(dialect.rest.status),
      methods: { GET: (_req, res, [raw]) => withId(res, raw, (jobId) => answerJob(res, ctx, jobId)) },
    },
  ];
  const { cancel, batch } = dialect.rest;
  if (cancel !== null) {
    routes.push({
      pattern: `${API_PREFIX}${cancel}`,
      match: template(cancel),
      methods: { POST: (req, res, [raw]) => answerEarly(req, res, () => withId(res, raw, (jobId) => answerCancel(res, ctx, jobId))) },
    });
  }
  if (batch !== null) {
    routes.push({
      pattern: `${API_PREFIX}${batch}`,
      match: template(batch),
      methods: { GET: (_req, res, [raw]) => withId(res, raw, (batchId) => answerBatch(res, ctx, batchId)) },
    });
  }
  return routes;
}

function answerJob(res: ServerResponse, ctx: DialectRouteContext, jobId: string): void {
  const job = ctx.lookup(jobId);
  if (job === undefined) return sendError(res, 404, 'not_found', 'This server has no job with that id.');
  sendJson(res, 200, dialectJobObject(ctx.dialect, job, ctx.batchOf(jobId)));
}

function answerBatch(res: ServerResponse, ctx: DialectRouteContext, batchId: string): void {
  const jobs = ctx.jobsOfBatch(batchId);
  if (jobs.length === 0) return sendError(res, 404, 'not_found', 'This server has no batch with that id.');
  sendJson(res, 200, batchObject(ctx.dialect, batchId, jobs));
}

function answerCancel(res: ServerResponse, ctx: DialectRouteContext, jobId: string): void {
  sendCancelAnswer(res, ctx.cancel(jobId), { [ctx.dialect.fields.jobId]: jobId, status: 'cancelling' });
}

function withId(res: ServerResponse, raw: string | undefined, then: (id: string) => void): void {
  let id: string;
  try {
    id = decodeURIComponent(raw ?? '');
  } catch {
    return sendError(res, 400, 'bad_request', 'The id in the path is not valid percent-encoding.');
  }
  if (id.length === 0 || id.length > 200) return sendError(res, 400, 'bad_request', 'The id in the path must be 1–200 characters.');
  then(id);
}

/** `/v1/jobs/{id}` → a matcher of `/api/v1/jobs/<one segment>`. */
function template(path: string): (url: string) => string[] | null {
  const [before, after] = path.split('{id}') as [string, string | undefined];
  const pattern = new RegExp(`^${escape(API_PREFIX + before)}${after === undefined ? '' : `([^/]+)${escape(after)}`}/?$`);
  return (url) => {
    const found = pattern.exec(url);
    return found === null ? null : found.slice(1);
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
