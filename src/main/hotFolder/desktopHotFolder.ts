/**
 * The hot folder in the app: the core's HotFolderSupervisor over the queue,
 * its notices shown as desktop notifications. Shown even with job
 * notifications turned off: a folder that cannot be read, or files that went
 * to failed/, need the user, and nothing else in the window would say so.
 */
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/base/logger';
import { HotFolderSupervisor } from '../../core/hotFolder/HotFolderSupervisor';
import type { QueuePort } from '../corePorts';
import type { DesktopNotifier } from '../notifications/desktopNotifier';

/** What the shell needs: follow the settings, stop on quit (and what tests watch). */
export type HotFolderPort = Pick<HotFolderSupervisor, 'apply' | 'stop' | 'idle' | 'watching' | 'onEvent'>;

export interface DesktopHotFolderOptions {
  queue: QueuePort;
  clock: Clock;
  logger: Logger;
  notifier: Pick<DesktopNotifier, 'inform'>;
  intervalMs?: number;
}

export function createDesktopHotFolder(o: DesktopHotFolderOptions): HotFolderPort {
  return new HotFolderSupervisor({
    queue: o.queue,
    clock: o.clock,
    logger: o.logger,
    onNotice: (notice) => o.notifier.inform(notice.title, notice.body),
    ...(o.intervalMs !== undefined ? { intervalMs: o.intervalMs } : {}),
  });
}
