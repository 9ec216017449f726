/**
 * The thin, clock-driven shell around the pure policy: feeds it queue events,
 * and wakes it when a coalescing window closes.
 */
import type { Clock } from '../clock';
import { TimerGroup } from '../base/timerGroup';
import { silentLogger, type Logger } from '../base/logger';
import type { QueueEvent } from '../queue/types';
import {
  coalesceNotifications,
  initialNotificationState,
  type NotificationDecision,
  type NotificationInput,
  type NotificationOptions,
  type NotificationState,
} from './notificationPolicy';

export class NotificationScheduler {
  private state: NotificationState = initialNotificationState;
  private readonly timers: TimerGroup;

  constructor(
    private readonly clock: Clock,
    /** Read when a decision is made, so a setting changed inside a coalescing window applies to it. */
    private readonly options: NotificationOptions | (() => NotificationOptions),
    private readonly deliver: (decision: NotificationDecision) => void,
    private readonly logger: Logger = silentLogger,
  ) {
    this.timers = new TimerGroup(clock);
  }

  /** Pass every QueueEvent; the policy picks what matters. */
  handle(event: QueueEvent): void {
    this.step({ type: 'event', event, at: this.clock.now() });
  }

  /** Drops whatever waits and stops the timer. */
  dispose(): void {
    this.timers.dispose();
    this.state = initialNotificationState;
  }

  private step(input: NotificationInput): void {
    const options = typeof this.options === 'function' ? this.options() : this.options;
    const { state, decisions } = coalesceNotifications(this.state, input, options);
    this.state = state;
    this.arm();
    for (const decision of decisions) {
      try {
        this.deliver(decision);
      } catch (error) {
        // This runs from a timer: a throwing front end would otherwise take the process down.
        this.logger.error('delivering a notification failed', { kind: decision.kind, error: String(error) });
      }
    }
  }

  private arm(): void {
    const { flushAt } = this.state;
    if (flushAt === null) return this.timers.clear('flush');
    this.timers.set('flush', flushAt - this.clock.now(), () => this.step({ type: 'tick', at: this.clock.now() }));
  }
}
