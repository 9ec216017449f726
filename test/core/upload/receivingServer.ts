/**
 * An upload server for tests: a tiny busboy server on 127.0.0.1 that reads
 * every request to the end and records what arrived (path, headers, fields,
 * files), so Content-Length, part headers and file names are checked by a
 * real multipart parser, not by string comparison. Each request is answered
 * by `answer` (default: 201 with an intake job id) once its body is parsed.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
  fields: Record<string, string>;
  files: Array<{ field: string; filename: string; mimeType: string; size: number; sha256: string }>;
}

export interface ReceivingServer {
  /** The REST base, `http://127.0.0.1:<port>/api/` (with a trailing slash). */
  readonly baseUrl: string;
  readonly received: Received[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** How each request is answered once its body has been read. */
  answer: (res: ServerResponse, request: Received) => void;
  close(): Promise<void>;
}

export function answerJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export async function startReceivingServer(): Promise<ReceivingServer> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const entry: Received = { path: req.url ?? '', headers: req.headers, bodyBytes: 0, fields: {}, files: [] };
    req.on('data', (chunk: Buffer) => (entry.bodyBytes += chunk.length));
    const parser = busboy({ headers: req.headers });
    parser.on('field', (name, value) => (entry.fields[name] = value));
    parser.on('file', (field, stream, info) => {
      const hash = createHash('sha256');
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
      });
      stream.on('end', () => entry.files.push({ field, filename: info.filename ?? '', mimeType: info.mimeType, size, sha256: hash.digest('hex') }));
    });
    parser.on('close', () => {
      received.push(entry);
      receiving.answer(res, entry);
    });
    req.pipe(parser);
  });
  let connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiving: ReceivingServer = {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    received,
    get connections() {
      return connections;
    },
    answer: (res) => answerJson(res, 201, { jobId: 'job-42', status: 'queued' }),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return receiving;
}
