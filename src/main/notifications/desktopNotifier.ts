/**
 * Shows the notification policy's decisions as OS notifications.
 * Two traps: a Notification object that is garbage-collected loses its click
 * handler (so every shown one is kept until closed or clicked), and show()
 * can stall for a while on Linux (so it runs off the hot path).
 */
import { Notification } from 'electron';
import type { Logger } from '../../core/base/logger';
import type { NotificationDecision } from '../../core/notifications/notificationPolicy';

/** What is shown: one of the policy's decisions, or a plain message of ours (kind 'info'). */
export type DesktopNotice = Omit<NotificationDecision, 'kind'> & { kind: NotificationDecision['kind'] | 'info' };

export interface DesktopNotifierOptions {
  onClick: (jobIds: string[]) => void;
  logger: Logger;
  /** Defers show(); default setImmediate. */
  defer?: (fn: () => void) => void;
  /** Sees every notification shown (the smoke test's call log). */
  observe?: (decision: DesktopNotice) => void;
}

export class DesktopNotifier {
  private readonly alive = new Set<Notification>();
  private readonly defer: (fn: () => void) => void;

  constructor(private readonly options: DesktopNotifierOptions) {
    this.defer = options.defer ?? ((fn) => setImmediate(fn));
  }

  /** How many shown notifications are still referenced (until closed or clicked). */
  get pending(): number {
    return this.alive.size;
  }

  show(decision: DesktopNotice): void {
    if (!Notification.isSupported()) return;
    this.options.observe?.(decision);
    const notification = new Notification({ title: decision.title, body: decision.body, silent: false });
    this.alive.add(notification);
    const release = () => this.alive.delete(notification);
    notification.on('click', () => {
      release();
      this.options.onClick(decision.jobIds);
    });
    notification.on('close', release);
    notification.on('failed', (_event, error) => {
      release();
      this.options.logger.warn('A desktop notification could not be shown', { error: String(error) });
    });
    this.defer(() => {
      try {
        notification.show();
      } catch (error) {
        release();
        this.options.logger.warn('A desktop notification could not be shown', { error: (error as Error)?.name });
      }
    });
  }

  /** A plain informational message, not tied to jobs (e.g. the close-to-tray hint). */
  inform(title: string, body: string): void {
    this.show({ title, body, jobIds: [], kind: 'info' });
  }

  dispose(): void {
    for (const notification of this.alive) notification.close();
    this.alive.clear();
  }
}
