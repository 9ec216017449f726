/**
 * The `intake` dialect behind the transport port: PROTOCOL.md §3's JSON
 * frames over one plain WebSocket (SocketGeneration), read by frameReader.
 * Its heartbeat is the 45 s watchdog and the nudge ping of SocketGeneration.
 */
import type { RawData } from 'ws';
import type { TimerGroup } from '../base/timerGroup';
import { readFrame, snapshotFromAck, updateFromStatusFrame } from './frameReader';
import { SocketGeneration, type GenerationOptions } from './socketGeneration';
import type { DownReason, Inbound, Transport, TransportEvents } from './transport';

export class IntakeTransport implements Transport {
  readonly missingAck = 'reconnect' as const;
  readonly generation: SocketGeneration;

  constructor(options: Omit<GenerationOptions, 'events'> & { events: TransportEvents }) {
    const events = options.events;
    this.generation = new SocketGeneration({
      ...options,
      events: {
        open: () => events.open(this),
        message: (_generation, data: RawData, isBinary: boolean) => events.inbound(this, inboundOf(data, isBinary)),
        down: (_generation, why) => events.down(this, why),
        healthy: () => events.healthy(this),
      },
    });
  }

  get id(): number {
    return this.generation.id;
  }

  get timers(): TimerGroup {
    return this.generation.timers;
  }

  get isOpen(): boolean {
    return this.generation.isOpen;
  }

  subscribe(jobId: string): boolean {
    return this.generation.send({ type: 'subscribe', jobId });
  }

  unsubscribe(jobId: string): boolean {
    return this.generation.send({ type: 'unsubscribe', jobId });
  }

  /** The intake contract has no batches. */
  subscribeBatch(): boolean {
    return false;
  }

  probe(): void {
    this.generation.probe();
  }

  fail(why: DownReason): void {
    this.generation.fail(why);
  }

  dispose(): Promise<void> {
    return this.generation.dispose();
  }
}

function inboundOf(data: RawData, isBinary: boolean): Inbound {
  const reading = readFrame(data, isBinary);
  if (!reading.ok) return { kind: 'bad', reason: reading.reason };
  const message = reading.message;
  switch (message.type) {
    case 'subscribed':
      return { kind: 'ack', jobId: message.jobId, snapshot: snapshotFromAck(message) };
    case 'status_update':
      return { kind: 'update', update: updateFromStatusFrame(message) };
    case 'error':
      return message.jobId === undefined ? { kind: 'error' } : { kind: 'error', jobId: message.jobId };
    case 'unsubscribed':
      return { kind: 'ignored' };
  }
}
