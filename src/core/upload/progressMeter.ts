/**
 * Turns a stream of "bytes sent so far" into at most one UploadProgress per
 * interval, with a speed over the last few seconds (a whole-upload average
 * would hide a connection that just slowed down).
 */
import type { UploadProgress } from '../../shared/queueJob';

const SPEED_WINDOW_MS = 3000;

export class ProgressMeter {
  private readonly samples: Array<{ at: number; bytes: number }> = [];
  private lastEmitAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  /** The progress to publish now, or null when the last one is too recent (the final byte always publishes). */
  sample(sentBytes: number, totalBytes: number): UploadProgress | null {
    const at = this.now();
    this.samples.push({ at, bytes: sentBytes });
    while (this.samples.length > 2 && at - this.samples[0]!.at > SPEED_WINDOW_MS) this.samples.shift();
    const finished = sentBytes >= totalBytes;
    if (!finished && at - this.lastEmitAt < this.intervalMs) return null;
    this.lastEmitAt = at;
    return this.progress(sentBytes, totalBytes, at);
  }

  private progress(sentBytes: number, totalBytes: number, at: number): UploadProgress {
    const first = this.samples[0]!;
    const elapsedMs = at - first.at;
    const bytesPerSecond = elapsedMs > 0 ? Math.round(((sentBytes - first.bytes) * 1000) / elapsedMs) : 0;
    const left = Math.max(0, totalBytes - sentBytes);
    const etaSeconds = left === 0 ? 0 : bytesPerSecond > 0 ? Math.ceil(left / bytesPerSecond) : null;
    return { sentBytes, totalBytes, bytesPerSecond, etaSeconds };
  }
}
