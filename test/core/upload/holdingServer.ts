/**
 * An upload server that does not read request bodies until the test says so:
 * the client fills its buffers and the socket's, then has to wait, which is
 * how a test catches the uploader in the middle of a file. Once released it
 * parses the body with busboy and answers 201, so a test can also check what
 * arrived.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';

export interface ReceivedFile {
  size: number;
  sha256: string;
}

export interface HoldingServer {
  readonly url: string;
  /** Requests whose connection closed before their body was complete. */
  readonly cutShort: number;
  readonly received: ReadonlyArray<{ files: ReceivedFile[] }>;
  /** Called with each body chunk the server reads (after release). */
  onBodyChunk: ((bytes: number) => void) | null;
  /** Starts reading the held bodies, and every later one at once. */
  release(): void;
  close(): Promise<void>;
}

export async function startHoldingServer(): Promise<HoldingServer> {
  let released = false;
  let cutShort = 0;
  const held: Array<() => void> = [];
  const received: Array<{ files: ReceivedFile[] }> = [];
  const server: Server = createServer((req, res) => {
    req.on('close', () => {
      if (!req.complete) cutShort += 1;
    });
    const read = (): void => {
      const files: ReceivedFile[] = [];
      const parser = busboy({ headers: req.headers });
      parser.on('file', (_field, stream) => {
        const hash = createHash('sha256');
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          hash.update(chunk);
        });
        stream.on('end', () => files.push({ size, sha256: hash.digest('hex') }));
      });
      parser.on('close', () => {
        received.push({ files });
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ jobId: 'held-1', status: 'queued' }));
      });
      parser.on('error', () => res.destroy());
      // Both attached in the same tick, so the count cannot miss bytes busboy sees.
      req.on('data', (chunk: Buffer) => holding.onBodyChunk?.(chunk.length));
      req.pipe(parser);
    };
    if (released) read();
    else held.push(read);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const holding: HoldingServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    get cutShort() {
      return cutShort;
    },
    received,
    onBodyChunk: null,
    release() {
      released = true;
      held.splice(0).forEach((read) => read());
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return holding;
}
