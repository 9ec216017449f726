/**
 * Routes REST requests, enforces the bearer token, counts and logs them.
 * Log lines carry method, route *pattern*, status, duration and bytes, never
 * a chart number or a document name (they identify patients).
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { chartNumberProblem } from '../shared/chartNumber';
import { answerEarly, authProblem, sendError, sendJson } from './httpReply';
import { type JobStore } from './jobStore';
import { statusBodyOf } from './statusBody';
import { type JobView } from './statusPublisher';
import { type ServerStats } from './types';
import { type UploadContext, handleUpload } from './uploadHandler';

export const API_PREFIX = '/api';

export interface Route {
  pattern: string;
  match: (path: string) => string[] | null;
  methods: Record<string, (req: IncomingMessage, res: ServerResponse, params: string[]) => void>;
}

/** PROTOCOL.md §4: what became of a cancel request; `unsupported` when the extension is switched off (tests of clients). */
export type CancelAnswer = 'cancelling' | 'final' | 'unknown' | 'unsupported';

export interface RouterContext {
  token: () => string | null;
  cancel: (jobId: string) => CancelAnswer;
  store: JobStore;
  visible: (jobId: string) => JobView | undefined;
  upload: UploadContext;
  stats: ServerStats;
  log: (line: string) => void;
  /** A Socket.IO dialect's REST routes, served instead of PROTOCOL.md §1–4's (health stays). */
  dialectRoutes?: Route[];
}

export function createRequestHandler(ctx: RouterContext): (req: IncomingMessage, res: ServerResponse) => void {
  const health: Route = {
    pattern: '/api/health',
    match: exact('/api/health'),
    methods: { GET: (_req, res) => sendJson(res, 200, { ok: true }) },
  };
  const routes: Route[] = ctx.dialectRoutes !== undefined ? [...ctx.dialectRoutes, health] : [
    {
      pattern: '/api/documents/upload',
      match: exact('/api/documents/upload'),
      methods: { POST: (req, res) => handleUpload(req, res, ctx.upload) },
    },
    {
      pattern: '/api/documents/status/:chartNumber',
      match: (path) => {
        const found = /^\/api\/documents\/status\/([^/]+)\/?$/.exec(path);
        return found === null ? null : [found[1] ?? ''];
      },
      methods: { GET: (_req, res, [raw]) => answerStatus(res, ctx, raw ?? '') },
    },
    {
      pattern: '/api/documents/jobs/:jobId/cancel',
      match: (path) => {
        const found = /^\/api\/documents\/jobs\/([^/]+)\/cancel$/.exec(path);
        return found === null ? null : [found[1] ?? ''];
      },
      methods: { POST: (req, res, [raw]) => answerEarly(req, res, () => answerCancel(res, ctx, raw ?? '')) },
    },
    health,
    {
      pattern: '/api/ws',
      match: exact('/api/ws'),
      methods: { GET: (_req, res) => sendError(res, 426, 'upgrade_required', 'This is the WebSocket endpoint; connect with a WebSocket client.') },
    },
  ];

  return (req, res) => {
    const started = performance.now();
    const path = pathOf(req.url);
    const route = routes.find((candidate) => candidate.match(path) !== null);
    const method = req.method ?? 'GET';
    const label = `${method} ${route?.pattern ?? '(unknown route)'}`;
    ctx.stats.httpRequests += 1;
    ctx.stats.requestsByRoute[label] = (ctx.stats.requestsByRoute[label] ?? 0) + 1;
    // No 'data' listener here: it would set the body flowing before the upload handler reads it.
    res.on('close', () => {
      const ms = Math.round(performance.now() - started);
      const status = res.headersSent ? res.statusCode : 'no answer';
      const bytesIn = req.headers['content-length'] ?? '0';
      ctx.log(`${label} ${status} ${ms}ms in=${bytesIn}B out=${String(res.getHeader('content-length') ?? 0)}B`);
    });

    if (route === undefined) {
      return answerEarly(req, res, () => sendError(res, 404, 'not_found', 'No such endpoint on this server.'));
    }
    const handler = route.methods[method];
    if (handler === undefined) {
      const allow = Object.keys(route.methods).join(', ');
      return answerEarly(req, res, () =>
        sendError(res, 405, 'method_not_allowed', `Use ${allow} for this endpoint.`, { Allow: allow }),
      );
    }
    const auth = route.pattern === '/api/health' ? null : authProblem(req.headers.authorization, ctx.token());
    if (auth !== null) return answerEarly(req, res, () => sendError(res, auth.status, auth.error, auth.message));
    try {
      handler(req, res, route.match(path) ?? []);
    } catch {
      answerEarly(req, res, () => sendError(res, 500, 'internal_error', 'The server failed to handle the request.'));
    }
  };
}

function answerStatus(res: ServerResponse, ctx: RouterContext, raw: string): void {
  let chartNumber: string;
  try {
    chartNumber = decodeURIComponent(raw);
  } catch {
    return sendError(res, 400, 'invalid_chart_number', 'The chart number in the path is not valid percent-encoding.');
  }
  const problem = chartNumberProblem(chartNumber);
  if (problem !== null) return sendError(res, 400, 'invalid_chart_number', problem);
  const body = statusBodyOf(chartNumber, ctx.store.byChart(chartNumber), ctx.visible);
  if (body.jobs.length === 0) return sendError(res, 404, 'not_found', 'This server has no jobs for that chart number.');
  sendJson(res, 200, body);
}

function answerCancel(res: ServerResponse, ctx: RouterContext, raw: string): void {
  let jobId: string;
  try {
    jobId = decodeURIComponent(raw);
  } catch {
    return sendError(res, 400, 'invalid_job_id', 'The job id in the path is not valid percent-encoding.');
  }
  sendCancelAnswer(res, ctx.cancel(jobId), { jobId, status: 'cancelling' });
}

/** PROTOCOL.md §4's answers, for every dialect's cancel route; `accepted` is the 202 body. */
export function sendCancelAnswer(res: ServerResponse, answer: CancelAnswer, accepted: Record<string, unknown>): void {
  switch (answer) {
    case 'cancelling':
      return sendJson(res, 202, accepted);
    case 'final':
      return sendError(res, 409, 'job_final', 'This job has already ended; there is nothing to cancel.');
    case 'unknown':
      return sendError(res, 404, 'not_found', 'This server has no job with that id.');
    case 'unsupported':
      return sendError(res, 501, 'not_implemented', 'This server does not support cancelling jobs.');
  }
}

export function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] ?? '/';
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

export function exact(expected: string): (path: string) => string[] | null {
  return (path) => (path === expected ? [] : null);
}
