/**
 * When to look for an update, when to install it, and what to tell the user.
 * The updater itself (electron-updater in main) sits behind UpdaterPort; time
 * comes from the Clock, so every rule is tested with fake time:
 *   - the policy can turn updates off (no check at all) or pin a channel;
 *   - check at start and every 6 hours; the update downloads in the background;
 *   - once downloaded: one notification and a tray item "Restart to update to X";
 *   - never restart while an upload is in flight: a restart asked for then
 *     waits until no job is queued or uploading, and the user is told so.
 */
import type { Disposable } from '../base/lifecycle';
import type { Logger } from '../base/logger';
import { TimerGroup } from '../base/timerGroup';
import type { Clock } from '../clock';
import type { UpdatePolicy } from '../policy/managedPolicy';

export const UPDATE_CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface UpdaterPort {
  /** Looks at the feed; an available update starts downloading in the background. */
  check(): Promise<void>;
  /** The update with this version is downloaded and can be installed. */
  onDownloaded(listener: (version: string) => void): Disposable;
  /** Quits and installs (the app restarts into the new version). */
  install(): void;
}

export interface UpdateControllerOptions {
  clock: Clock;
  policy: UpdatePolicy;
  updater: UpdaterPort;
  /** True while any job is queued or uploading (a restart would interrupt it). */
  uploadsInFlight: () => boolean;
  notify: (title: string, body: string) => void;
  /** The ready version changed (the tray shows it). */
  onChange: () => void;
  logger: Logger;
}

export type RestartAnswer = 'restarting' | 'after-uploads' | 'nothing-to-install';

export function restartLabel(version: string): string {
  return `Restart to update to ${version}`;
}

export class UpdateController implements Disposable {
  private readonly timers: TimerGroup;
  private readonly downloaded: Disposable;
  private ready: string | null = null;
  private installWhenIdle = false;

  constructor(private readonly o: UpdateControllerOptions) {
    this.timers = new TimerGroup(o.clock);
    this.downloaded = o.updater.onDownloaded((version) => this.onDownloaded(version));
  }

  /** The downloaded version waiting for a restart; null when none. */
  get readyVersion(): string | null {
    return this.ready;
  }

  get enabled(): boolean {
    return this.o.policy.enabled;
  }

  start(): void {
    if (!this.o.policy.enabled) {
      this.o.logger.info('Updates are turned off by the administrator’s policy');
      return;
    }
    this.checkNow();
  }

  /** The user chose "Restart to update": now if no upload is in flight, else once they are done. */
  requestRestart(): RestartAnswer {
    if (this.ready === null) return 'nothing-to-install';
    if (!this.o.uploadsInFlight()) {
      this.install();
      return 'restarting';
    }
    this.installWhenIdle = true;
    this.o.notify('Update waits for the uploads', `Intake restarts to update to ${this.ready} when the uploads in progress are done.`);
    return 'after-uploads';
  }

  /** Call whenever the queue changes: a restart asked for during uploads happens once they are done. */
  queueChanged(): void {
    if (this.installWhenIdle && !this.o.uploadsInFlight()) this.install();
  }

  dispose(): void {
    this.timers.dispose();
    this.downloaded.dispose();
  }

  private checkNow(): void {
    // The next check is armed first: a check that hangs or fails must not end the schedule.
    this.timers.set('check', UPDATE_CHECK_INTERVAL_MS, () => this.checkNow());
    this.o.updater.check().catch((error: unknown) => this.o.logger.warn('Update check failed', { error: (error as Error)?.message }));
  }

  private onDownloaded(version: string): void {
    if (this.ready === version) return;
    this.ready = version;
    this.o.logger.info('Update downloaded', { version });
    this.o.notify('Update ready', `${restartLabel(version)}: choose it in the Intake tray menu.`);
    this.o.onChange();
  }

  private install(): void {
    this.installWhenIdle = false;
    this.timers.dispose();
    this.o.logger.info('Restarting to install the update', { version: this.ready });
    this.o.updater.install();
  }
}

/** Jobs a restart would interrupt: those waiting to upload or uploading (tracked jobs resume after it). */
export function uploadsInFlight(jobs: ReadonlyArray<{ stage: string }>): boolean {
  return jobs.some((job) => job.stage === 'queued' || job.stage === 'uploading');
}
