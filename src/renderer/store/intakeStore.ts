/**
 * The renderer's one store: a mirror of what main holds, fed by the bridge.
 * It owns nothing of its own except what is on screen (the mirror, plus the
 * pending announcement). Components read it through useSyncExternalStore
 * (see useIntake.ts). What main asks the page to do (show a job, open files,
 * open settings) is not state: it arrives as a command, handled once.
 */
import type { BatchProgress } from '../../shared/batchProgress';
import type { ConnectionState } from '../../shared/connectionState';
import type { IntakeBridge, QueueSnapshot, SnapshotRest } from '../../shared/ipc';
import { resolveDeltas, type JobDelta } from '../../shared/jobDelta';
import { isBefore, type QueueChange, type QueueJob } from '../../shared/queueJob';
import { announcementsFor, summarize } from './announcements';
import { batchLine } from './batchLine';
import { JobIndex } from './jobIndex';
import type { JobFilter } from './jobList';
import { publishTally, withRest, type JobTally } from './jobTally';

export interface IntakeState {
  status: 'loading' | 'ready' | 'error';
  loadError: string | null;
  /**
   * Job ids, newest first: a new array only when a job arrives or leaves. Rows
   * read their job with `job(id)` (useJob), so an update re-renders one row.
   */
  jobIds: readonly string[];
  /** Counts and figures over all jobs, kept incrementally. */
  tally: JobTally;
  connection: ConnectionState;
  paused: boolean;
  demoServer: boolean;
  /** The server's latest progress of each batch it reported (seed 004); a new object on each report. */
  batches: Readonly<Record<string, BatchProgress>>;
  /** Latest polite announcement for the live region; `serial` lets equal texts be re-read. */
  announcement: { text: string; serial: number } | null;
}

/** What main asks of the page: bring a job into view (a notification or tray click), add files (dock icon, Open with), show settings (tray). */
export type MainCommand = { type: 'focusJob'; jobId: string } | { type: 'openFiles'; paths: string[] } | { type: 'openSettings' };

const INITIAL: IntakeState = {
  status: 'loading',
  loadError: null,
  jobIds: [],
  tally: new JobIndex().tally,
  connection: { state: 'connecting', reason: 'starting' },
  paused: false,
  demoServer: false,
  batches: {},
  announcement: null,
};

export interface IntakeStoreOptions {
  /** Resolves once what the store holds now is painted: a long history's rest is asked for then. */
  afterPaint?: () => Promise<void>;
}

/** A hidden window paints no frames: the rest is asked for after this long at the latest. */
const PAINT_WAIT_MS = 100;

/** After the next frame is painted (a task after its requestAnimationFrame callbacks). */
function afterNextPaint(): Promise<void> {
  return new Promise((done) => {
    const fallback = setTimeout(done, PAINT_WAIT_MS);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(fallback);
        done();
      }, 0),
    );
  });
}

export class IntakeStore {
  private state: IntakeState = INITIAL;
  private readonly listeners = new Set<() => void>();
  private index = new JobIndex();
  private serial = 0;
  private unsubscribers: (() => void)[] = [];
  private readonly commandListeners = new Set<(command: MainCommand) => void>();
  /** Commands that came before anyone listened (files handed over at launch): given to the first listener. */
  private unheard: MainCommand[] = [];
  /**
   * While only the first screen of a long history is held: what was left out (counted into the
   * tally), and the tally last published with it.
   */
  private rest: { left: SnapshotRest; from: JobTally | null; tally: JobTally | null } | null = null;
  private readonly afterPaint: () => Promise<void>;
  /** The latest job main asked to show while only the first screen was held, not being one of it. */
  private focusLater: string | null = null;

  constructor(
    private readonly bridge: IntakeBridge,
    options: IntakeStoreOptions = {},
  ) {
    this.afterPaint = options.afterPaint ?? afterNextPaint;
  }

  readonly getState = (): IntakeState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Each command from main, once; commands that arrived before the first listener are handed to it at once. */
  onCommand(listener: (command: MainCommand) => void): () => void {
    this.commandListeners.add(listener);
    const waiting = this.unheard;
    this.unheard = [];
    for (const command of waiting) listener(command);
    return () => this.commandListeners.delete(listener);
  }

  /**
   * Subscribe to events BEFORE asking for the snapshot, or a delta sent between
   * the two is lost. Deltas that arrive before the snapshot are held and applied
   * on top of it, in order: main sends everything it batched before answering,
   * so the last held delta of each field carries the snapshot's own value.
   *
   * With a long history the first snapshot holds only the first screen
   * (shared/firstScreen.ts); once that is painted the store asks for every
   * job. Meanwhile deltas are applied to the jobs it holds (the screen stays
   * live) and held again, to be applied on the whole snapshot by the same rule.
   */
  async start(): Promise<void> {
    // Deltas for the snapshot on its way (null: none is); `live`: the page shows a snapshot, apply them now too.
    let held: JobDelta[] | null = [];
    let live = false;
    const on = this.bridge.on.bind(this.bridge);
    this.unsubscribers.push(
      on('jobs', (changes) => {
        if (held) held.push(...changes);
        if (live) this.applyJobs(changes);
      }),
      on('connection', (connection) => this.set({ connection })),
      on('paused', (paused) => this.set({ paused })),
      on('demoServer', (demoServer) => this.set({ demoServer })),
      on('batch', (batch) => this.set({ batches: { ...this.state.batches, [batch.batchId]: batch } })),
      on('focusJob', (jobId) => this.focusJob(jobId)),
      on('openFiles', (paths) => paths.length > 0 && this.command({ type: 'openFiles', paths })),
      on('openSettings', () => this.command({ type: 'openSettings' })),
    );
    const first = await this.bridge.getSnapshot({ firstScreen: true });
    if (!this.load(first, held)) return void (held = null);
    live = true;
    if (this.rest === null) return void (held = null);
    held = [];
    await this.afterPaint();
    const all = await this.bridge.getSnapshot();
    const pending = held;
    held = null;
    this.load(all, pending);
    const waiting = this.focusLater;
    this.focusLater = null;
    if (waiting !== null) this.command({ type: 'focusJob', jobId: waiting });
  }

  /** A job to show that may be one of a long history's rest still on its way is asked for once every job is here. */
  private focusJob(jobId: string): void {
    const later = this.rest !== null && this.index.get(jobId) === undefined;
    this.focusLater = later ? jobId : null;
    if (!later) this.command({ type: 'focusJob', jobId });
  }

  /** A snapshot answer, then the deltas held while it was on its way; false when it failed. */
  private load(result: Awaited<ReturnType<IntakeBridge['getSnapshot']>>, held: readonly JobDelta[]): boolean {
    if (!result.ok) {
      this.rest = null;
      this.set({ status: 'error', loadError: result.error.message });
      return false;
    }
    this.loadSnapshot(result.value);
    if (held.length > 0) this.applyJobs(held, false);
    return true;
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
  }

  private loadSnapshot(snapshot: QueueSnapshot): void {
    this.index = new JobIndex(snapshot.jobs);
    this.rest = snapshot.rest === undefined ? null : { left: snapshot.rest, from: null, tally: null };
    this.set({
      status: 'ready',
      loadError: null,
      jobIds: this.index.ids,
      tally: this.tally(),
      connection: snapshot.connection,
      paused: snapshot.paused,
      demoServer: snapshot.demoServer,
    });
  }

  /** One store update per batch, however many jobs it touches. */
  private applyJobs(deltas: readonly JobDelta[], announce = true): void {
    const changes = resolveDeltas(deltas, (id) => this.index.get(id)).filter((change) => this.mayApply(change));
    const messages = announce ? announcementsFor(this.index, changes) : [];
    this.index.apply(changes);
    const text = summarize(messages);
    this.set({ jobIds: this.index.ids, tally: this.tally(), ...(text === null ? {} : { announcement: { text, serial: ++this.serial } }) });
  }

  /**
   * While the rest of a long history is on its way, a job the page does not hold that may be
   * one of the rest (not newer than its newest) is left to the whole snapshot: it is counted in
   * the rest already. (A removed one stays counted until then: its filter is not known here.)
   */
  private mayApply(change: QueueChange): boolean {
    if (this.rest === null || change.type === 'remove') return true;
    return this.index.get(change.job.id) !== undefined || isBefore(change.job, this.rest.left.newest);
  }

  /** The index's tally, plus the jobs only counted while the rest of a long history is on its way. */
  private tally(): JobTally {
    const own = this.index.tally;
    const rest = this.rest;
    if (rest === null) return own;
    if (rest.from !== own) {
      rest.tally = publishTally(withRest(own, rest.left), rest.tally);
      rest.from = own;
    }
    return rest.tally as JobTally;
  }

  job(id: string): QueueJob | undefined {
    return this.index.get(id);
  }

  /** The batch line of a job's batch: the server's progress, else this window's count of its jobs. */
  batchLine(batchId: string): string | null {
    return batchLine(this.state.batches[batchId], this.index.batchCount(batchId));
  }

  /** The ids a filter shows, newest first; the same array while that filter's members stay the same. */
  idsMatching(filter: JobFilter): readonly string[] {
    return this.index.idsMatching(filter);
  }

  private command(command: MainCommand): void {
    if (this.commandListeners.size === 0) this.unheard.push(command);
    for (const listener of [...this.commandListeners]) listener(command);
  }

  private set(patch: Partial<IntakeState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
