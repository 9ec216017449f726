/**
 * A JobTracker the test drives by hand: records track/untrack calls and
 * pushes server states into the queue as the ConnectionManager would.
 */
import { toDisposable, type Disposable } from '../../../src/core/base/lifecycle';
import type { ServerJobState } from '../../../src/shared/jobState';
import type { JobTracker } from '../../../src/core/queue/UploadQueue';

export class FakeTracker implements JobTracker {
  readonly tracked = new Map<string, { chartNumber: string; known?: ServerJobState }>();
  readonly calls: string[] = [];
  private readonly listeners = new Set<(job: ServerJobState) => void>();

  track(jobId: string, info: { chartNumber: string }, known?: ServerJobState): void {
    this.calls.push(`track:${jobId}`);
    this.tracked.set(jobId, { chartNumber: info.chartNumber, ...(known && { known }) });
  }

  untrack(jobId: string): void {
    this.calls.push(`untrack:${jobId}`);
    this.tracked.delete(jobId);
  }

  onJob(listener: (job: ServerJobState) => void): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(jobId: string, patch: Partial<ServerJobState>): void {
    const state: ServerJobState = {
      jobId,
      status: 'processing',
      phase: 'processing',
      message: '',
      timestamp: new Date().toISOString(),
      seq: null,
      attempt: null,
      maxAttempts: null,
      willRetry: false,
      phaseSeenAt: {},
      ...patch,
    };
    for (const listener of this.listeners) listener(state);
  }
}
