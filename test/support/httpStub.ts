/**
 * A plain HTTP server on 127.0.0.1 (port 0) answering with `handler`, for status-read tests; closed, with every
 * connection, when the test ends. Resolves to its base URL (`http://127.0.0.1:<port>/api`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export type HttpHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export async function serveHttp(handler: HttpHandler): Promise<string> {
  const server = http.createServer(handler);
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

/** The base URL of a port that was just listened on and closed: a connection there is refused. */
export async function refusedHttpUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/api`;
}
