/**
 * How the queue's changes reach a page (the renderer, or a stand-in in tests
 * and the bench): merged to at most one batch per frame (ChangeBatcher), each
 * job as only what changed since the page got it (JobDeltas). `flush()`
 * before answering the page's snapshot request: every batch made so far then
 * leaves before the snapshot, which the page's held deltas rely on.
 *
 * `encoding: 'whole'` sends every changed job whole, as before deltas
 * existed: kept so the bench can measure both paths in one run.
 */
import type { Disposable } from '../base/lifecycle';
import type { Clock } from '../clock';
import type { JobDelta } from '../../shared/jobDelta';
import type { QueueChange } from '../../shared/queueJob';
import { ChangeBatcher } from './changeBatcher';
import { JobDeltas } from './jobDeltas';

export interface PageFeedOptions {
  clock: Clock;
  send: (deltas: JobDelta[]) => void;
  encoding?: 'delta' | 'whole';
  intervalMs?: number;
}

export class PageFeed implements Disposable {
  private readonly batcher: ChangeBatcher;

  constructor(options: PageFeedOptions) {
    const deltas = options.encoding === 'whole' ? null : new JobDeltas();
    this.batcher = new ChangeBatcher({
      clock: options.clock,
      ...(options.intervalMs !== undefined && { intervalMs: options.intervalMs }),
      deliver: (changes: QueueChange[]) => {
        const out = deltas === null ? changes : deltas.encode(changes);
        if (out.length > 0) options.send(out);
      },
    });
  }

  push(changes: readonly QueueChange[]): void {
    this.batcher.push(changes);
  }

  flush(): void {
    this.batcher.flush();
  }

  dispose(): void {
    this.batcher.dispose();
  }
}
