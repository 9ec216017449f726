/**
 * §2 reads that catch a chart up: after an ack without snapshot, after a seq
 * gap, after an `error` for a subscribe. Requests for one chart coalesce (one
 * read in flight per chart, at most one more queued behind it, since a second
 * read started after the first one can see newer state), and at most
 * `concurrency` reads run at once so a reconnect with hundreds of jobs does
 * not open hundreds of HTTP requests.
 */
export class CatchUpQueue {
  private readonly queued: string[] = [];
  private readonly queuedSet = new Set<string>();
  private readonly running = new Set<string>();
  private readonly rerun = new Set<string>();
  private controller = new AbortController();

  constructor(
    private readonly concurrency: number,
    private readonly read: (chartNumber: string, signal: AbortSignal) => Promise<void>,
  ) {}

  request(chartNumber: string): void {
    if (this.running.has(chartNumber)) {
      this.rerun.add(chartNumber);
      return;
    }
    if (this.queuedSet.has(chartNumber)) return;
    this.queued.push(chartNumber);
    this.queuedSet.add(chartNumber);
    this.pump();
  }

  /** Drops everything queued and aborts what runs (server or token changed, stopped). */
  cancelAll(): void {
    this.controller.abort();
    this.controller = new AbortController();
    this.queued.length = 0;
    this.queuedSet.clear();
    this.running.clear();
    this.rerun.clear();
  }

  get pending(): number {
    return this.queued.length + this.running.size;
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.queued.length > 0) {
      const chart = this.queued.shift() as string;
      this.queuedSet.delete(chart);
      this.running.add(chart);
      const controller = this.controller;
      void this.read(chart, controller.signal).finally(() => {
        if (controller !== this.controller) return;
        this.running.delete(chart);
        if (this.rerun.delete(chart)) this.request(chart);
        this.pump();
      });
    }
  }
}
