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
  /**
   * `127.0.0.1:PORT`, the Host clients send through the relay: the reference server refuses
   * any Host but its own unless told (allowedHosts), so the relay starts first.
   */
  readonly host: string;
  /** Relays to `upstreamUrl` from now on; returns the same URL on the relay's port. */
  relayTo(upstreamUrl: string): string;
  close(): Promise<void>;
}

export async function startThrottledProxy(bytesPerSecond: number): Promise<ThrottledProxy> {
  let upstream: URL | null = null;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (upstream === null) return client.destroy();
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
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    relayTo: (upstreamUrl) => {
      upstream = new URL(upstreamUrl);
      const url = new URL(upstreamUrl);
      url.port = String(port);
      return url.toString().replace(/\/$/, '');
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}
