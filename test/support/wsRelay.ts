/**
 * A WebSocket relay for tests: clients connect to the relay, the relay opens
 * one upstream connection per client to the real server and forwards frames,
 * pings and pongs both ways. Switches make the network misbehave the way real
 * ones do, without mocking ws: duplicated, reordered and delayed frames,
 * snapshot-less acks, silent half-open connections, refused upgrades, drops.
 *
 *   const relay = await startWsRelay({ target: () => server.wsUrl, random: seededRandom(1) });
 *   new ConnectionManager({ baseUrl: server.url, wsUrl: relay.url });
 *   relay.setDuplicate(0.2); relay.setReorder(0.2); relay.dropAll(); ...
 *
 * It also watches what clients send: `stats.doubleSubscribes` counts a
 * subscribe for a job already subscribed on the same connection.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

export interface WsRelayOptions {
  /** Upstream WebSocket URL, read at every new connection (a restarted server may move); given the client's request path. */
  target: (requestPath: string) => string;
  random?: () => number;
  /**
   * Which server→client text frames duplication and reordering may touch (default: all). Socket.IO
   * tests keep them to event and ack packets: a doubled Engine.IO handshake is not a network fault.
   */
  alterable?: (frame: string) => boolean;
}

export interface WsRelayStats {
  upgradeAttempts: number;
  connections: number;
  framesToClient: number;
  duplicated: number;
  reordered: number;
  subscribes: number;
  doubleSubscribes: number;
  unsubscribes: number;
  refused: number;
  /** Server→client frames swallowed by the frame filter. */
  filtered: number;
  /** `subscribed` acks delivered to clients. */
  acksToClient: number;
}

export interface WsRelay {
  readonly url: string;
  readonly stats: WsRelayStats;
  /** Every subscribe a client sent, in order, with how many acks clients had received by then. */
  readonly subscribeLog: ReadonlyArray<{ jobId: string; acksDeliveredBefore: number }>;
  /** Client connections open now. */
  readonly openConnections: number;
  /** Probability that a server→client frame is sent twice. */
  setDuplicate(probability: number): void;
  /** Probability that a server→client frame is held back and sent after the next one. */
  setReorder(probability: number): void;
  /** Remove the snapshot from `subscribed` acks (a server without the extension). */
  setStripSnapshots(on: boolean): void;
  /** Hold each `subscribed` ack this long while other frames pass (subscribe/update races). */
  setAckDelay(ms: number): void;
  /** Refuse new upgrades with this HTTP status (404: endpoint off, 401: auth), or null to relay again. */
  setRefuseUpgrades(status: number | null): void;
  /** Connections open now stop forwarding anything and stop answering pings: half-open and silent. */
  silenceAll(): void;
  /** Terminate every connection now. */
  dropAll(): void;
  /** Server→client JSON frames for which `keep` returns false are swallowed (lost-update tests); null: keep all. */
  setFrameFilter(keep: ((message: Record<string, unknown>) => boolean) | null): void;
  /** Server→client text frames for which `keep` returns false are swallowed (Socket.IO acks, say); null: keep all. */
  setRawFilter(keep: ((frame: string) => boolean) | null): void;
  /** Send a raw frame to every client connection (bad-frame tests). */
  injectToClients(frame: string | Buffer, options?: { binary?: boolean }): void;
  close(): Promise<void>;
}

interface Pair {
  client: WebSocket;
  upstream: WebSocket;
  silenced: boolean;
  held: { data: RawData; isBinary: boolean } | null;
  heldTimer: NodeJS.Timeout | null;
  subscribed: Set<string>;
}

export async function startWsRelay(options: WsRelayOptions): Promise<WsRelay> {
  const random = options.random ?? Math.random;
  const stats: WsRelayStats = {
    upgradeAttempts: 0,
    connections: 0,
    framesToClient: 0,
    duplicated: 0,
    reordered: 0,
    subscribes: 0,
    doubleSubscribes: 0,
    unsubscribes: 0,
    refused: 0,
    filtered: 0,
    acksToClient: 0,
  };
  const subscribeLog: Array<{ jobId: string; acksDeliveredBefore: number }> = [];
  let frameFilter: ((message: Record<string, unknown>) => boolean) | null = null;
  let rawFilter: ((frame: string) => boolean) | null = null;
  const alterable = options.alterable ?? (() => true);
  let duplicate = 0;
  let reorder = 0;
  let stripSnapshots = false;
  let ackDelayMs = 0;
  let refuseStatus: number | null = null;
  const pairs = new Set<Pair>();
  const pendingTimers = new Set<NodeJS.Timeout>();
  const wss = new WebSocketServer({ noServer: true, autoPong: false, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
  const server = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });

  const refuse = (socket: Socket, status: number): void => {
    stats.refused += 1;
    if (!socket.destroyed) {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroySoon?.();
    }
  };

  server.on('upgrade', (req, socket: Socket, head) => {
    stats.upgradeAttempts += 1;
    socket.on('error', () => undefined);
    if (refuseStatus !== null) {
      refuse(socket, refuseStatus);
      return;
    }
    const headers: Record<string, string> = {};
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const upstream = new WebSocket(options.target(req.url ?? '/'), { headers, autoPong: false, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    let settled = false;
    upstream.on('unexpected-response', (_request, response) => {
      settled = true;
      response.resume();
      refuse(socket, response.statusCode ?? 502);
      upstream.terminate();
    });
    upstream.on('error', () => {
      if (!settled) {
        settled = true;
        refuse(socket, 502);
      }
    });
    upstream.once('open', () => {
      settled = true;
      if (socket.destroyed) {
        upstream.terminate();
        return;
      }
      wss.handleUpgrade(req, socket, head, (client) => pair(client, upstream));
    });
  });

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      pendingTimers.delete(timer);
      fn();
    }, ms);
    pendingTimers.add(timer);
  };

  function sendToClient(p: Pair, data: RawData, isBinary: boolean): void {
    if (p.silenced || p.client.readyState !== WebSocket.OPEN) return;
    stats.framesToClient += 1;
    p.client.send(data, { binary: isBinary });
  }

  function flushHeld(p: Pair): void {
    if (p.heldTimer) clearTimeout(p.heldTimer);
    p.heldTimer = null;
    const held = p.held;
    p.held = null;
    if (held) sendToClient(p, held.data, held.isBinary);
  }

  function forward(p: Pair, data: RawData, isBinary: boolean): void {
    if (p.silenced) return;
    let frame: RawData = data;
    let isAck = false;
    if (!isBinary && rawFilter && !rawFilter(data.toString())) {
      stats.filtered += 1;
      return;
    }
    if (!isBinary && !alterable(data.toString())) {
      sendToClient(p, frame, isBinary);
      flushHeld(p);
      return;
    }
    if (!isBinary) {
      try {
        const message = JSON.parse(data.toString()) as Record<string, unknown>;
        if (frameFilter && !frameFilter(message)) {
          stats.filtered += 1;
          return;
        }
        if (message.type === 'subscribed') {
          isAck = true;
          if (stripSnapshots) frame = Buffer.from(JSON.stringify({ type: 'subscribed', jobId: message.jobId, timestamp: message.timestamp }));
        }
      } catch {
        // Not JSON: relay as it is; the client must cope.
      }
    }
    if (isAck) {
      const deliver = (): void => {
        if (!p.silenced && p.client.readyState === WebSocket.OPEN) stats.acksToClient += 1;
        sendToClient(p, frame, isBinary);
      };
      if (ackDelayMs > 0) later(ackDelayMs, deliver);
      else deliver();
      return;
    }
    if (p.held === null && random() < reorder) {
      stats.reordered += 1;
      p.held = { data: frame, isBinary };
      // Released after the next frame, or soon if none comes.
      p.heldTimer = setTimeout(() => flushHeld(p), 30);
      return;
    }
    sendToClient(p, frame, isBinary);
    if (random() < duplicate) {
      stats.duplicated += 1;
      sendToClient(p, frame, isBinary);
    }
    flushHeld(p);
  }

  function pair(client: WebSocket, upstream: WebSocket): void {
    stats.connections += 1;
    const p: Pair = { client, upstream, silenced: false, held: null, heldTimer: null, subscribed: new Set() };
    pairs.add(p);
    const end = (): void => {
      if (!pairs.delete(p)) return;
      if (p.heldTimer) clearTimeout(p.heldTimer);
      client.terminate();
      upstream.terminate();
    };
    upstream.on('message', (data, isBinary) => forward(p, data, isBinary));
    upstream.on('ping', (data) => {
      if (!p.silenced && client.readyState === WebSocket.OPEN) client.ping(data);
    });
    upstream.on('pong', (data) => {
      if (!p.silenced && client.readyState === WebSocket.OPEN) client.pong(data);
    });
    client.on('ping', (data) => {
      if (!p.silenced && upstream.readyState === WebSocket.OPEN) upstream.ping(data);
    });
    client.on('pong', (data) => {
      if (!p.silenced && upstream.readyState === WebSocket.OPEN) upstream.pong(data);
    });
    client.on('message', (data, isBinary) => {
      if (!isBinary) {
        try {
          const message = JSON.parse(data.toString()) as { type?: string; jobId?: string };
          if (message.type === 'subscribe' && typeof message.jobId === 'string') {
            stats.subscribes += 1;
            subscribeLog.push({ jobId: message.jobId, acksDeliveredBefore: stats.acksToClient });
            if (p.subscribed.has(message.jobId)) stats.doubleSubscribes += 1;
            p.subscribed.add(message.jobId);
          } else if (message.type === 'unsubscribe' && typeof message.jobId === 'string') {
            stats.unsubscribes += 1;
            p.subscribed.delete(message.jobId);
          }
        } catch {
          // The server answers non-JSON itself.
        }
      }
      if (!p.silenced && upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
    });
    client.on('close', end);
    client.on('error', end);
    // A silenced connection is half-open: when the server gives up on it (no pongs),
    // the client must not hear about it; only its own watchdog may notice.
    const upstreamEnded = (): void => {
      if (p.silenced) upstream.terminate();
      else end();
    };
    upstream.on('close', upstreamEnded);
    upstream.on('error', upstreamEnded);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `ws://127.0.0.1:${port}/api/ws`,
    stats,
    subscribeLog,
    get openConnections() {
      return pairs.size;
    },
    setDuplicate: (p) => void (duplicate = p),
    setReorder: (p) => void (reorder = p),
    setStripSnapshots: (on) => void (stripSnapshots = on),
    setAckDelay: (ms) => void (ackDelayMs = ms),
    setRefuseUpgrades: (status) => void (refuseStatus = status),
    setFrameFilter: (keep) => void (frameFilter = keep),
    setRawFilter: (keep) => void (rawFilter = keep),
    silenceAll() {
      for (const p of pairs) {
        p.silenced = true;
        if (p.heldTimer) clearTimeout(p.heldTimer);
        p.held = null;
      }
    },
    dropAll() {
      for (const p of [...pairs]) {
        p.client.terminate();
        p.upstream.terminate();
      }
    },
    injectToClients(frame, { binary = false } = {}) {
      for (const p of pairs) if (p.client.readyState === WebSocket.OPEN) p.client.send(frame, { binary });
    },
    async close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      for (const p of [...pairs]) {
        p.client.terminate();
        p.upstream.terminate();
      }
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
