/**
 * A TCP relay in front of the reference server that swallows the server's
 * next N answers and cuts their connections: the server has accepted
 * the upload, the client never hears it. Exactly the "lost response" case
 * the Idempotency-Key exists for.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ResponseDropRelay {
  readonly url: string;
  /** Answers dropped so far. */
  readonly dropped: number;
  /** Drop the answers of the next `count` connections too. */
  dropNext(count: number): void;
  close(): Promise<void>;
}

export async function startResponseDropRelay(target: string, dropCount: number): Promise<ResponseDropRelay> {
  const upstreamUrl = new URL(target);
  const sockets = new Set<Socket>();
  let toDrop = dropCount;
  let dropped = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(upstreamUrl.port), upstreamUrl.hostname);
    sockets.add(client).add(upstream);
    // Like a reverse proxy (nginx's default), each request reaches the server addressed to it: Host names the upstream.
    client.on('data', (chunk: Buffer) => upstream.write(withUpstreamHost(chunk, upstreamUrl.host)));
    // Decided per answer, not per connection: keep-alive sends several requests over one.
    upstream.on('data', (chunk) => {
      if (toDrop === 0) {
        client.write(chunk);
        return;
      }
      toDrop -= 1;
      dropped += 1;
      client.destroy();
      upstream.destroy();
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstreamUrl.pathname}`,
    get dropped() {
      return dropped;
    },
    dropNext(count) {
      toDrop += count;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const REQUEST_START = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /;

/** The Host header of a request's head rewritten; bodies (and heads split oddly) pass as they are. */
function withUpstreamHost(chunk: Buffer, host: string): Buffer {
  const text = chunk.toString('latin1');
  if (!REQUEST_START.test(text)) return chunk;
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return chunk;
  const head = text.slice(0, headEnd).replace(/\r\nhost:[^\r]*/i, `\r\nHost: ${host}`);
  return Buffer.from(head + text.slice(headEnd), 'latin1');
}
