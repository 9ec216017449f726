/**
 * Feeds the queue's events to the core's notification policy (through its
 * clock-driven scheduler) and hands each decision on. The chart-number
 * option is read whenever a decision is made, so a settings change applies at once.
 */
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/base/logger';
import { NotificationScheduler } from '../../core/notifications/NotificationScheduler';
import type { NotificationDecision } from '../../core/notifications/notificationPolicy';
import type { UploadQueue } from '../../core/queue/UploadQueue';

export interface NotificationFeedOptions {
  queue: Pick<UploadQueue, 'onEvent'>;
  clock: Clock;
  logger: Logger;
  chartNumbers: () => boolean;
  onDecision: (decision: NotificationDecision) => void;
}

/** Returns the function that stops the feed (and drops what waits in the window). */
export function attachNotificationPolicy(options: NotificationFeedOptions): () => void {
  const scheduler = new NotificationScheduler(
    options.clock,
    () => ({ includeChartNumbers: options.chartNumbers() }),
    options.onDecision,
    options.logger,
  );
  const off = options.queue.onEvent((event) => scheduler.handle(event));
  return () => {
    off();
    scheduler.dispose();
  };
}
