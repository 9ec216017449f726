/**
 * The desktop app's hot folder: follows the settings (start when enabled with a
 * folder, restart when the folder or the chart pattern changes, stop when
 * disabled or on quit) and turns what the watcher meets into operator log
 * lines (no file names, no chart numbers, no paths) and a few notices for the
 * user (a folder that cannot be read, files that could not be queued).
 */
import type { Disposable } from '../base/lifecycle';
import type { Clock } from '../clock';
import { TimerGroup } from '../base/timerGroup';
import type { Logger } from '../base/logger';
import type { ListenerSet } from '../base/listenerSet';
import type { Settings } from '../../shared/settings';
import { UNSAFE_PATH } from './handledFileMover';
import { hotFolderPlan, samePlan, settingsChartPattern, type HotFolderPlan } from './hotFolderPlan';
import { HotFolderWatcher, hotFolderEventListeners, type HotFolderEvent, type HotFolderQueue } from './HotFolderWatcher';

export const DEFAULT_HOT_FOLDER_INTERVAL_MS = 2000;
/** Files refused within this long give one notice, not one each. */
export const REFUSED_NOTICE_WINDOW_MS = 3000;

export interface HotFolderNotice {
  title: string;
  body: string;
}

export interface HotFolderSupervisorOptions {
  queue: HotFolderQueue;
  clock: Clock;
  logger: Logger;
  onNotice: (notice: HotFolderNotice) => void;
  intervalMs?: number;
}

export class HotFolderSupervisor {
  private plan: HotFolderPlan = { watch: false, problem: null };
  private watcher: HotFolderWatcher | null = null;
  private offWatcher: Disposable | null = null;
  /** Changes run one after another, so the last settings applied are the ones in force. */
  private applying: Promise<void> = Promise.resolve();
  private refused = 0;
  private readonly timers: TimerGroup;
  private readonly moveProblemsSaid = new Set<string>();
  private closed = false;
  private readonly events: ListenerSet<HotFolderEvent>;

  constructor(private readonly o: HotFolderSupervisorOptions) {
    this.timers = new TimerGroup(o.clock);
    this.events = hotFolderEventListeners(o.logger);
  }

  /** Every event of whichever watcher is running (tests count checks with it). */
  onEvent(listener: (event: HotFolderEvent) => void): Disposable {
    return this.events.add(listener);
  }

  /** The folder being watched, or null. */
  get watching(): string | null {
    return this.plan.watch && this.watcher !== null ? this.plan.root : null;
  }

  /** Resolves once every change asked for so far has been made. */
  idle(): Promise<void> {
    return this.applying;
  }

  /** Brings the watcher in line with these settings; resolves once it has started or stopped. Never throws. */
  apply(settings: Pick<Settings, 'hotFolder' | 'chartNumberPattern'>): Promise<void> {
    return this.enqueueChange(() => (this.closed ? Promise.resolve() : this.switchTo(hotFolderPlan(settings))));
  }

  /** On quit: stops watching (before the queue closes, so no file is refused by a closing queue). */
  dispose(): Promise<void> {
    this.closed = true;
    return this.enqueueChange(async () => {
      await this.switchTo({ watch: false, problem: null });
      // No notice while the app quits; the files are in failed/ with their reasons.
      this.timers.dispose();
      this.refused = 0;
    });
  }

  private enqueueChange(change: () => Promise<void>): Promise<void> {
    const next = this.applying.then(change).catch((error: unknown) => {
      this.o.logger.error('The hot folder could not be switched', { error: (error as Error)?.name });
    });
    this.applying = next;
    return next;
  }

  private async switchTo(plan: HotFolderPlan): Promise<void> {
    const previous = this.plan;
    this.plan = plan;
    if (plan.problem !== null && plan.problem !== previous.problem) {
      this.o.logger.warn('Hot folder setting cannot be used as it is', { watching: plan.watch });
      this.o.onNotice({ title: 'Hot folder', body: plan.problem });
    }
    if (samePlan(plan, previous)) return;
    const wasWatching = this.watcher !== null;
    if (this.watcher !== null) {
      this.offWatcher?.dispose();
      await this.watcher.dispose();
      this.watcher = null;
    }
    this.moveProblemsSaid.clear();
    if (!plan.watch) {
      if (wasWatching) this.o.logger.info('Hot folder no longer watched');
      return;
    }
    const watcher = new HotFolderWatcher({
      root: plan.root,
      pattern: settingsChartPattern(plan.pattern),
      queue: this.o.queue,
      clock: this.o.clock,
      intervalMs: this.o.intervalMs ?? DEFAULT_HOT_FOLDER_INTERVAL_MS,
      logger: this.o.logger,
    });
    this.watcher = watcher;
    this.offWatcher = watcher.onEvent((event) => this.onWatcherEvent(event));
    await watcher.start();
    this.o.logger.info('Hot folder watched', { chartPattern: plan.pattern !== null });
  }

  private onWatcherEvent(event: HotFolderEvent): void {
    this.events.emit(event);
    const { logger } = this.o;
    switch (event.type) {
      case 'queued':
        logger.info('Hot-folder file queued', { job: event.id });
        return;
      case 'refused':
        logger.info('Hot-folder file not queued; moved to failed/', { cause: event.cause });
        this.refused += 1;
        this.timers.ensure('refused', REFUSED_NOTICE_WINDOW_MS, () => this.flushRefused());
        return;
      case 'moved':
        logger.debug('Hot-folder file moved', { to: event.to });
        return;
      case 'move_failed': {
        const code = event.error.code ?? event.error.name;
        if (code === 'ENOENT') {
          // Someone removed the file before its job ended: nothing left to move, nothing to fix.
          logger.info('Hot-folder file was gone when its job ended', { to: event.to });
          return;
        }
        logger.warn('Hot-folder file could not be moved', { to: event.to, error: code });
        const key = `${event.to}:${code}`;
        if (this.moveProblemsSaid.has(key)) return;
        this.moveProblemsSaid.add(key);
        this.o.onNotice({
          title: 'Hot folder problem',
          // A planted link is not a permission problem: say what was found (the message names no path).
          body:
            code === UNSAFE_PATH
              ? event.error.message
              : `A file could not be moved into the hot folder's ${event.to} folder (${code}). It stays where it is; check that Intake may write there.`,
        });
        return;
      }
      case 'unavailable':
        logger.warn('Hot folder unavailable', { reason: event.code });
        this.o.onNotice({ title: 'Hot folder unavailable', body: `${event.message} Intake keeps checking and carries on once it is back.` });
        return;
      case 'available':
        logger.info('Hot folder available again');
        return;
      case 'checked':
        return;
    }
  }

  private flushRefused(): void {
    this.timers.clear('refused');
    const count = this.refused;
    this.refused = 0;
    if (count === 0) return;
    const files = count === 1 ? 'A file' : `${count} files`;
    this.o.onNotice({
      title: 'Hot folder',
      body: `${files} from the hot folder could not be queued. ${count === 1 ? 'It was' : 'They were'} moved to its failed folder, with a .error.txt beside ${count === 1 ? 'it' : 'each'} that says why.`,
    });
  }
}
