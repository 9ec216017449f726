/**
 * Subscribing the wanted set on one transport: batches of subscribes, one
 * batch waiting for its acks at a time, and an ack timeout that either ends
 * the transport (intake: a fresh socket is the retry; resending on this one
 * would subscribe a job twice) or, where the dialect says acks may never
 * come (socketio-rooms), takes the joins as done and has them caught up over
 * REST. Unsubscribes too. Dies with its transport.
 */
import type { Transport } from './transport';
import { GenerationSubscriptions } from './subscriptions';

export interface SubscriptionChannelOptions {
  batchSize: number;
  ackTimeoutMs: number;
  /** The wanted set, read at every batch (it changes while batches are under way). */
  wanted(): Iterable<string>;
  onSubscribeSent(): void;
  /** A join taken as done without its ack: the job must be read over REST. */
  assumed(jobId: string): void;
}

export class SubscriptionChannel {
  private readonly book = new GenerationSubscriptions();

  constructor(
    readonly generation: Transport,
    private readonly options: SubscriptionChannelOptions,
  ) {}

  /** Subscribes the next batch of wanted jobs not yet sent on this socket. */
  sendNextBatch(): void {
    if (!this.generation.isOpen) return;
    const batch = this.book.takeBatch(this.options.wanted(), this.options.batchSize);
    if (batch.length === 0) return;
    for (const jobId of batch) {
      this.generation.subscribe(jobId);
      this.options.onSubscribeSent();
    }
    this.generation.timers.set('ack', this.options.ackTimeoutMs, () => {
      if (this.generation.missingAck === 'reconnect') {
        this.generation.fail({ reason: `no subscribe ack within ${this.options.ackTimeoutMs} ms`, auth: false, immediate: false });
        return;
      }
      for (const jobId of this.book.settleAll()) this.options.assumed(jobId);
      this.sendNextBatch();
    });
  }

  /** An ack (or an `error` naming the job) arrived; true when this socket was waiting for it. */
  settle(jobId: string): boolean {
    if (!this.book.settle(jobId)) return false;
    if (this.book.waitingCount === 0) this.batchDone();
    return true;
  }

  /** Sends an unsubscribe when the job is subscribed on this socket. */
  unsubscribe(jobId: string): void {
    if (!this.book.isSent(jobId)) return;
    this.generation.unsubscribe(jobId);
    const waiting = this.book.waitingCount;
    this.book.forget(jobId);
    if (waiting > 0 && this.book.waitingCount === 0) this.batchDone();
  }

  private batchDone(): void {
    this.generation.timers.clear('ack');
    this.sendNextBatch();
  }
}
