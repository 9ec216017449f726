/**
 * Subscribing the wanted set on one socket generation: batches of subscribes,
 * one batch waiting for its acks at a time, an ack timeout that ends the
 * generation (a fresh socket is the retry; resending on this one would
 * subscribe a job twice), and unsubscribes. Dies with its generation.
 */
import type { SocketGeneration } from './socketGeneration';
import { GenerationSubscriptions } from './subscriptions';

export interface SubscriptionChannelOptions {
  batchSize: number;
  ackTimeoutMs: number;
  /** The wanted set, read at every batch (it changes while batches are under way). */
  wanted(): Iterable<string>;
  onSubscribeSent(): void;
}

export class SubscriptionChannel {
  private readonly book = new GenerationSubscriptions();

  constructor(
    readonly generation: SocketGeneration,
    private readonly options: SubscriptionChannelOptions,
  ) {}

  /** Subscribes the next batch of wanted jobs not yet sent on this socket. */
  sendNextBatch(): void {
    if (!this.generation.isOpen) return;
    const batch = this.book.takeBatch(this.options.wanted(), this.options.batchSize);
    if (batch.length === 0) return;
    for (const jobId of batch) {
      this.generation.send({ type: 'subscribe', jobId });
      this.options.onSubscribeSent();
    }
    this.generation.timers.set('ack', this.options.ackTimeoutMs, () =>
      this.generation.fail({ reason: `no subscribe ack within ${this.options.ackTimeoutMs} ms`, auth: false, immediate: false }),
    );
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
    this.generation.send({ type: 'unsubscribe', jobId });
    const waiting = this.book.waitingCount;
    this.book.forget(jobId);
    if (waiting > 0 && this.book.waitingCount === 0) this.batchDone();
  }

  private batchDone(): void {
    this.generation.timers.clear('ack');
    this.sendNextBatch();
  }
}
