/**
 * Child-process entry: runs the reference server and pushes status updates on
 * command from the bench process (over the fork IPC channel). Emitting here,
 * in another process, keeps the emitter's CPU work out of the measured
 * client's event loop, as a real backend would.
 *
 * Every update's message carries its emit time on the shared bench clock
 * (benchClock.ts), so receivers compute latency without any lookup table.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import WebSocket from 'ws';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index';
import { SENT_PLACEHOLDER, benchNow, fillSentTime, stampMessage } from '../benchClock';
import type { ChildCommand, ChildOptions, ChildReply } from './serverProtocol';

const STREAM_PHASE = 'ocr_started';

/**
 * Stamps each outgoing frame with the moment it is handed to that client's
 * socket. Patching here (bench child only) measures the client from the
 * server's write, without changing the server's code.
 */
function stampSocketWrites(): void {
  const original = WebSocket.prototype.send;
  WebSocket.prototype.send = function stampedSend(this: WebSocket, data: unknown, ...rest: unknown[]) {
    let stamped = data;
    if (typeof data === 'string' && data.includes(SENT_PLACEHOLDER)) stamped = fillSentTime(data, benchNow());
    else if (Buffer.isBuffer(data) && data.includes(SENT_PLACEHOLDER)) stamped = Buffer.from(fillSentTime(data.toString('utf8'), benchNow()));
    return (original as (...args: unknown[]) => void).call(this, stamped, ...rest);
  } as typeof original;
}

/**
 * Socket.IO broadcasts one pre-encoded WebSocket frame to every member of a
 * room, written below ws's send(), so the patch above would never see it and
 * one shared buffer cannot carry a per-client write time. In this bench child
 * only, Engine.IO encodes per client instead, through ws's send().
 */
function stampSocketIoWrites(): void {
  // Engine.IO exports no subpaths: the transport is found beside its entry file.
  const require = createRequire(createRequire(import.meta.url).resolve('socket.io'));
  const transport = require(join(dirname(require.resolve('engine.io')), 'transports', 'websocket.js')) as { WebSocket: { prototype: { _canSendPreEncodedFrame: () => boolean } } };
  transport.WebSocket.prototype._canSendPreEncodedFrame = () => false;
}

function send(message: ChildReply): void {
  process.send?.(message);
}

function emit(server: ReferenceServer, jobId: string): void {
  if (!server.emitStatus) throw new Error('the reference server has no emitStatus(); the fan-out figures need it');
  server.emitStatus(jobId, 'processing', STREAM_PHASE, stampMessage(benchNow()));
}

/**
 * Paces `total` updates at `ratePerSecond`, round-robin over the jobs. A 1 ms
 * timer tick emits everything that is due, so at 10,000/s about ten updates
 * leave per tick — the burstiness a real backend has too. No busy loop: the
 * two cores are shared with the client under test.
 */
function stream(server: ReferenceServer, jobIds: string[], ratePerSecond: number, durationMs: number): Promise<number> {
  const total = Math.round((ratePerSecond * durationMs) / 1000);
  const start = benchNow();
  let emitted = 0;
  return new Promise((resolve, reject) => {
    const tick = () => {
      try {
        const due = Math.min(total, Math.floor(((benchNow() - start) * ratePerSecond) / 1000) + 1);
        while (emitted < due) {
          emit(server, jobIds[emitted % jobIds.length]!);
          emitted += 1;
        }
      } catch (error) {
        reject(error);
        return;
      }
      if (emitted >= total) resolve(emitted);
      else setTimeout(tick, 1);
    };
    tick();
  });
}

async function handle(server: ReferenceServer, command: ChildCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'stream':
      return { emitted: await stream(server, command.jobIds, command.ratePerSecond, command.durationMs) };
    case 'emitEach':
      for (const jobId of command.jobIds) emit(server, jobId);
      return { emitted: command.jobIds.length, at: benchNow() };
    case 'stats':
      return { ...server.stats, requestsByRoute: { ...server.stats.requestsByRoute } };
    case 'jobs':
      return server.jobs();
    case 'dropAllSockets':
      server.dropAllSockets();
      return null;
    case 'close':
      await server.close();
      setImmediate(() => process.exit(0));
      return null;
  }
}

async function main(): Promise<void> {
  const options = JSON.parse(process.env.INTAKE_BENCH_SERVER_OPTIONS ?? '{}') as ChildOptions;
  stampSocketWrites();
  stampSocketIoWrites();
  const server = await startReferenceServer(options);
  process.on('message', (raw) => {
    const command = raw as ChildCommand;
    handle(server, command).then(
      (result) => send({ type: 'reply', id: command.id, ok: true, result }),
      (error: unknown) => send({ type: 'reply', id: command.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  const stop = () => void server.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  send({ type: 'ready', url: server.url, wsUrl: server.wsUrl, port: server.port, at: benchNow() });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
