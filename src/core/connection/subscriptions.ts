/**
 * What one socket generation has asked the server for. The wanted set (the
 * source of truth) lives in the manager; this book records, for the current
 * socket only, which jobs were sent a subscribe and which batch is still
 * waiting. A new socket starts with an empty book, which is
 * what makes "subscribe everything again after a reconnect" correct, and the
 * `sent` set is what guarantees that no job is subscribed twice on one socket.
 */
export class GenerationSubscriptions {
  private readonly sent = new Set<string>();
  private readonly waiting = new Set<string>();

  /**
   * The next batch: wanted jobs never sent on this socket, at most `max`.
   * Marks them sent and waiting. Empty while an earlier batch still waits.
   */
  takeBatch(wanted: Iterable<string>, max: number): string[] {
    if (this.waiting.size > 0) return [];
    const batch: string[] = [];
    for (const jobId of wanted) {
      if (batch.length >= max) break;
      if (this.sent.has(jobId)) continue;
      batch.push(jobId);
      this.sent.add(jobId);
      this.waiting.add(jobId);
    }
    return batch;
  }

  /** An ack (or an `error` naming the job) arrived; true when we were waiting for it. */
  settle(jobId: string): boolean {
    return this.waiting.delete(jobId);
  }

  /** After an unsubscribe: the job may be subscribed again later on this socket. */
  forget(jobId: string): void {
    this.sent.delete(jobId);
    this.waiting.delete(jobId);
  }

  isSent(jobId: string): boolean {
    return this.sent.has(jobId);
  }

  /** Settles every job still waiting (acks that will not come); returns them. */
  settleAll(): string[] {
    const jobs = [...this.waiting];
    this.waiting.clear();
    return jobs;
  }

  get waitingCount(): number {
    return this.waiting.size;
  }
}
