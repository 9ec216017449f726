import { describe, expect, it } from 'vitest';
import { TimerGroup } from '../../../src/core/base/timerGroup';
import { SubscriptionChannel } from '../../../src/core/connection/subscriptionChannel';
import type { DownReason, Transport } from '../../../src/core/connection/transport';
import { FakeClock } from '../../support/fakeClock';

const ACK_TIMEOUT_MS = 5_000;

/** One socket as the channel sees it: records what was sent on it and how it ended; acks come from the test. */
class RecordedSocket implements Transport {
  readonly id = 1;
  readonly timers: TimerGroup;
  isOpen = true;
  readonly sent: string[] = [];
  failed: DownReason | null = null;

  constructor(
    clock: FakeClock,
    readonly missingAck: 'reconnect' | 'assume',
  ) {
    this.timers = new TimerGroup(clock);
  }

  subscribe(jobId: string): boolean {
    this.sent.push(`subscribe ${jobId}`);
    return true;
  }

  unsubscribe(jobId: string): boolean {
    this.sent.push(`unsubscribe ${jobId}`);
    return true;
  }

  subscribeBatch(): boolean {
    return true;
  }

  probe(): void {}

  fail(why: DownReason): void {
    this.failed = why;
    this.isOpen = false;
    this.timers.clearAll();
  }

  async dispose(): Promise<void> {
    this.timers.clearAll();
  }
}

function setup(wanted: string[], missingAck: 'reconnect' | 'assume' = 'reconnect', batchSize = 2) {
  const clock = new FakeClock();
  const socket = new RecordedSocket(clock, missingAck);
  const assumed: string[] = [];
  let subscribesSent = 0;
  const channel = new SubscriptionChannel(socket, {
    batchSize,
    ackTimeoutMs: ACK_TIMEOUT_MS,
    wanted: () => wanted,
    onSubscribeSent: () => (subscribesSent += 1),
    assumed: (jobId) => assumed.push(jobId),
  });
  return { clock, socket, channel, assumed, subscribes: () => subscribesSent };
}

describe('SubscriptionChannel', () => {
  it('sends a batch, the next one when every ack of it came, and nothing while the socket is closed', () => {
    const { socket, channel, subscribes } = setup(['a', 'b', 'c']);
    socket.isOpen = false;
    channel.sendNextBatch();
    expect(socket.sent).toEqual([]);
    socket.isOpen = true;
    channel.sendNextBatch();
    expect(socket.sent).toEqual(['subscribe a', 'subscribe b']);
    expect(channel.settle('a')).toBe(true);
    expect(socket.sent).toHaveLength(2);
    expect(channel.settle('b')).toBe(true);
    expect(socket.sent).toEqual(['subscribe a', 'subscribe b', 'subscribe c']);
    expect(subscribes()).toBe(3);
  });

  it('an ack it was not waiting for (a duplicate, another job) is not taken as one', () => {
    const { socket, channel } = setup(['a', 'b', 'c']);
    channel.sendNextBatch();
    expect(channel.settle('a')).toBe(true);
    expect(channel.settle('a')).toBe(false);
    expect(channel.settle('zzz')).toBe(false);
    expect(socket.sent).toEqual(['subscribe a', 'subscribe b']);
  });

  it('intake: a batch whose acks do not all come within the timeout ends the socket', () => {
    const { clock, socket, channel } = setup(['a', 'b', 'c']);
    channel.sendNextBatch();
    channel.settle('a');
    clock.advance(ACK_TIMEOUT_MS - 1);
    expect(socket.failed).toBeNull();
    clock.advance(1);
    expect(socket.failed).toEqual({ reason: `no subscribe ack within ${ACK_TIMEOUT_MS} ms`, auth: false, immediate: false });
    expect(socket.sent).toEqual(['subscribe a', 'subscribe b']);
  });

  it('a batch fully acked leaves no timer that could end the socket later', () => {
    const { clock, socket, channel } = setup(['a', 'b']);
    channel.sendNextBatch();
    channel.settle('a');
    channel.settle('b');
    expect(clock.pending).toBe(0);
    clock.advance(ACK_TIMEOUT_MS * 3);
    expect(socket.failed).toBeNull();
  });

  it('socketio-rooms: joins without an ack are taken as done, caught up over REST, and the next batch follows', () => {
    const { clock, socket, channel, assumed } = setup(['a', 'b', 'c'], 'assume');
    channel.sendNextBatch();
    channel.settle('a');
    clock.advance(ACK_TIMEOUT_MS);
    expect(socket.failed).toBeNull();
    expect(assumed).toEqual(['b']);
    expect(socket.sent).toEqual(['subscribe a', 'subscribe b', 'subscribe c']);
  });

  it('unsubscribes only a job subscribed on this socket', () => {
    const { socket, channel } = setup(['a', 'b']);
    channel.unsubscribe('a');
    expect(socket.sent).toEqual([]);
    channel.sendNextBatch();
    channel.settle('a');
    channel.settle('b');
    channel.unsubscribe('a');
    expect(socket.sent).toEqual(['subscribe a', 'subscribe b', 'unsubscribe a']);
    // Once unsubscribed, the job may be subscribed again on this socket.
    channel.sendNextBatch();
    expect(socket.sent.at(-1)).toBe('subscribe a');
  });

  it('unsubscribing the last job a batch waits for ends the batch: the next one is sent, the socket lives on', () => {
    const wanted = ['a', 'b', 'c'];
    const { clock, socket, channel } = setup(wanted);
    channel.sendNextBatch();
    channel.settle('a');
    wanted.splice(1, 1);
    channel.unsubscribe('b');
    expect(socket.sent).toEqual(['subscribe a', 'subscribe b', 'unsubscribe b', 'subscribe c']);
    channel.settle('c');
    clock.advance(ACK_TIMEOUT_MS * 3);
    expect(socket.failed).toBeNull();
  });

  it('unsubscribing one job of a batch that still waits for another keeps the ack timeout running', () => {
    const wanted = ['a', 'b', 'c'];
    const { clock, socket, channel } = setup(wanted);
    channel.sendNextBatch();
    wanted.splice(0, 1);
    channel.unsubscribe('a');
    expect(socket.sent).toEqual(['subscribe a', 'subscribe b', 'unsubscribe a']);
    clock.advance(ACK_TIMEOUT_MS);
    expect(socket.failed?.reason).toBe(`no subscribe ack within ${ACK_TIMEOUT_MS} ms`);
  });

  it('an unsubscribe while no batch waits sends only the unsubscribe; new jobs go out when the owner asks', () => {
    const wanted = ['a'];
    const { socket, channel } = setup(wanted);
    channel.sendNextBatch();
    channel.settle('a');
    wanted.push('b');
    channel.unsubscribe('a');
    expect(socket.sent).toEqual(['subscribe a', 'unsubscribe a']);
    channel.sendNextBatch();
    expect(socket.sent.at(-1)).toBe('subscribe b');
  });
});
