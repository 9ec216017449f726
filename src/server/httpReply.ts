/**
 * Every HTTP answer of the reference server is JSON; errors are
 * `{ error, message }` with a message a person can act on (PROTOCOL.md §1).
 */
import { timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { type Duplex } from 'node:stream';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  // setHeader, not writeHead(headers): the request log reads Content-Length back.
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.writeHead(status);
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  error: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error, message }, headers);
}

/**
 * Answers before the request body was read: the rest of the body is read and
 * thrown away. Closing the socket instead would make many clients report
 * "connection reset" and never show the answer.
 */
export function answerEarly(req: IncomingMessage, res: ServerResponse, send: () => void): void {
  res.setHeader('Connection', 'close');
  send();
  req.resume();
}

/** A JSON answer written on the raw socket (an upgrade, a request Node could not parse), then closed: clients see why rather than a dropped connection. */
export function answerOnSocket(socket: Duplex, status: number, error: string, message: string): void {
  const body = JSON.stringify({ error, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** `Authorization: Bearer <token>` check shared by REST and the WebSocket upgrade. */
export function authProblem(
  authorization: string | undefined,
  token: string | null,
): { status: 401 | 403; error: string; message: string } | null {
  if (token === null) return null;
  if (authorization === undefined || authorization.trim() === '') {
    return { status: 401, error: 'unauthorized', message: 'This server needs an access token (Authorization: Bearer <token>).' };
  }
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (match === null) {
    return { status: 401, error: 'unauthorized', message: 'The Authorization header must be "Bearer <token>".' };
  }
  if (!sameSecret(match[1] ?? '', token)) return { status: 403, error: 'forbidden', message: 'The access token is not valid for this server.' };
  return null;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Constant-time, so response timing does not leak how much of a guess was right.
  return a.length === b.length && timingSafeEqual(a, b);
}
