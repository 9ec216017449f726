/**
 * Throwaway peers for one SocketGeneration on loopback: a ws server that may
 * refuse the upgrade, a raw server that completes the handshake by hand and
 * then writes whatever bytes a test wants, a TCP listener that never answers,
 * a port nobody listens on, and a CONNECT proxy that may refuse the tunnel.
 * Everything is stopped after each test.
 */
import { createHash } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { SocketGeneration, type DownReason, type GenerationEvents } from '../../../src/core/connection/socketGeneration';
import { DEFAULT_CONNECTION_TIMINGS } from '../../../src/core/connection/timings';
import { defaultNetwork, type Network } from '../../../src/core/network/network';
import { useCleanups } from '../../support/cleanups';
import { FakeClock } from '../../support/fakeClock';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function portOf(server: net.Server): number {
  return (server.address() as AddressInfo).port;
}

export function useGenerationRig() {
  const { defer } = useCleanups();

  async function listen(server: net.Server, sockets: Set<Socket>): Promise<number> {
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    defer(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });
    return portOf(server);
  }

  /** A ws server; `refuseWith` answers every upgrade with that status instead. `upgrades` holds each upgrade's headers. */
  async function server(refuseWith?: number, options: { autoPong?: boolean } = {}) {
    const peers: WebSocket[] = [];
    const upgrades: IncomingHttpHeaders[] = [];
    const wss = new WebSocketServer({ noServer: true, ...options });
    const httpServer = http.createServer();
    httpServer.on('upgrade', (req, socket, head) => {
      upgrades.push(req.headers);
      if (refuseWith !== undefined) {
        socket.end(`HTTP/1.1 ${refuseWith} No\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => peers.push(ws));
    });
    const port = await listen(httpServer, new Set());
    defer(() => {
      for (const peer of peers) peer.terminate();
      wss.close();
    });
    return { url: `ws://127.0.0.1:${port}/api/ws`, host: `127.0.0.1:${port}`, peers, upgrades };
  }

  /** Accepts the upgrade by hand; `sockets` are the server ends, for raw bytes (frames ws itself would never send). */
  async function rawServer() {
    const sockets: Socket[] = [];
    const httpServer = http.createServer();
    httpServer.on('upgrade', (req, socket: Socket) => {
      const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}${WS_GUID}`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      sockets.push(socket);
    });
    const port = await listen(httpServer, new Set());
    defer(() => {
      for (const socket of sockets) socket.destroy();
    });
    return { url: `ws://127.0.0.1:${port}/api/ws`, sockets };
  }

  /** Accepts TCP connections and never answers the upgrade. */
  async function muteServer() {
    const sockets = new Set<Socket>();
    const port = await listen(net.createServer(), sockets);
    return { url: `ws://127.0.0.1:${port}/api/ws`, host: `127.0.0.1:${port}`, sockets };
  }

  /** A port that was free a moment ago and has no listener now (connects to it are refused). */
  async function closedPort(): Promise<number> {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = portOf(probe);
    await new Promise((resolve) => probe.close(resolve));
    return port;
  }

  /** A CONNECT proxy: opens tunnels, or answers every CONNECT with `refuseWith`. */
  async function proxy(refuseWith?: number) {
    const connects: string[] = [];
    const tunnels = new Set<Socket>();
    const proxyServer = http.createServer();
    proxyServer.on('connect', (req: http.IncomingMessage, client: Socket) => {
      connects.push(String(req.url));
      client.on('error', () => undefined);
      if (refuseWith !== undefined) {
        client.end(`HTTP/1.1 ${refuseWith} No\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      const [host, port] = String(req.url).split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      tunnels.add(upstream);
    });
    const port = await listen(proxyServer, tunnels);
    return { url: `http://127.0.0.1:${port}`, connects };
  }

  function generation(url: string, options: { token?: string | null; network?: Network; clock?: FakeClock } = {}) {
    const clock = options.clock ?? new FakeClock();
    const seen = { open: 0, messages: [] as string[], downs: [] as DownReason[], healthy: 0 };
    const events: GenerationEvents = {
      open: () => void (seen.open += 1),
      message: (_g, data) => void seen.messages.push(data.toString()),
      down: (_g, why) => void seen.downs.push(why),
      healthy: () => void (seen.healthy += 1),
    };
    const network = options.network ?? defaultNetwork();
    const token = options.token === undefined ? 'tok' : options.token;
    const g = new SocketGeneration({ id: 1, url, token, network, clock, timings: DEFAULT_CONNECTION_TIMINGS, events });
    defer(() => g.dispose());
    return { g, seen, clock };
  }

  return { defer, server, rawServer, muteServer, closedPort, proxy, generation };
}
