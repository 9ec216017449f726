/**
 * A TCP relay that paces client → server bytes to `bytesPerSecond`, so an
 * upload on loopback lasts long enough for a person (and a test) to watch its
 * progress bar. Server → client bytes pass untouched.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';
import type { AddressInfo } from 'node:net';

function pacer(bytesPerSecond: number): Transform {
  const started = Date.now();
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      sent += chunk.length;
      const due = started + (sent / bytesPerSecond) * 1000;
      setTimeout(() => done(null, chunk), Math.max(0, due - Date.now()));
    },
  });
}

export interface ThrottledProxy {
  /** Same path as `upstreamUrl`, on the proxy's port. */
  url: string;
  close(): Promise<void>;
}

export async function startThrottledProxy(upstreamUrl: string, bytesPerSecond: number): Promise<ThrottledProxy> {
  const upstream = new URL(upstreamUrl);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const target = connect(Number(upstream.port), upstream.hostname);
    for (const socket of [client, target]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined); // the other side's close ends the pair below
    }
    client.on('close', () => target.destroy());
    target.on('close', () => client.destroy());
    client.pipe(pacer(bytesPerSecond)).pipe(target);
    target.pipe(client);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = new URL(upstreamUrl);
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString().replace(/\/$/, ''),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}
