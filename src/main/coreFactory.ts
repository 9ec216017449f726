/**
 * The real core behind the shell: one ConnectionManager (the job tracker)
 * and one UploadQueue over the electron-store queue store, plus the core's
 * notification policy fed by the queue's events.
 */
import { ConnectionManager } from '../core/connection/ConnectionManager';
import { UploadQueue } from '../core/queue/UploadQueue';
import type { CoreParts, CreateCoreOptions } from './bootstrap';
import { queueServer } from './corePorts';
import { attachNotificationPolicy } from './notifications/notificationFeed';

export function createCore(options: CreateCoreOptions): CoreParts {
  const { baseUrl, demo, wsUrl, token, store, clock, logger } = options;
  const connection = new ConnectionManager({ baseUrl, ...(wsUrl !== undefined && { wsUrl }), token, clock, logger });
  const settings = options.settings();
  const queue = new UploadQueue({
    server: queueServer(baseUrl, demo, token),
    store,
    tracker: connection,
    clock,
    logger,
    concurrency: settings.uploadConcurrency,
    historySize: settings.historySize,
  });
  return {
    queue,
    connection,
    onNotification: (listener) =>
      attachNotificationPolicy({ queue, clock, logger, chartNumbers: () => options.settings().chartNumbersInNotifications, onDecision: listener }),
  };
}
