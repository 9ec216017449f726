/**
 * The renderer's one store: a mirror of what main holds, fed by the bridge.
 * It owns nothing of its own except what is on screen (the mirror, plus the
 * pending announcement). Components read it through useSyncExternalStore
 * (see useIntake.ts). What main asks the page to do (show a job, open files,
 * open settings) is not state: it arrives as a command, handled once.
 */
import type { BatchProgress } from '../../shared/batchProgress';
import type { ConnectionState } from '../../shared/connectionState';
import type { IntakeBridge, QueueSnapshot } from '../../shared/ipc';
import { resolveDeltas, type JobDelta } from '../../shared/jobDelta';
import type { QueueJob } from '../../shared/queueJob';
import { announcementsFor, summarize } from './announcements';
import { batchLine } from './batchLine';
import { JobIndex } from './jobIndex';
import type { JobFilter } from './jobList';
import type { JobTally } from './jobTally';

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

export class IntakeStore {
  private state: IntakeState = INITIAL;
  private readonly listeners = new Set<() => void>();
  private index = new JobIndex();
  private serial = 0;
  private unsubscribers: (() => void)[] = [];
  private readonly commandListeners = new Set<(command: MainCommand) => void>();
  /** Commands that came before anyone listened (files handed over at launch): given to the first listener. */
  private unheard: MainCommand[] = [];

  constructor(private readonly bridge: IntakeBridge) {}

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
   */
  async start(): Promise<void> {
    let held: JobDelta[] | null = [];
    const on = this.bridge.on.bind(this.bridge);
    this.unsubscribers.push(
      on('jobs', (changes) => (held ? held.push(...changes) : this.applyJobs(changes))),
      on('connection', (connection) => this.set({ connection })),
      on('paused', (paused) => this.set({ paused })),
      on('demoServer', (demoServer) => this.set({ demoServer })),
      on('batch', (batch) => this.set({ batches: { ...this.state.batches, [batch.batchId]: batch } })),
      on('focusJob', (jobId) => this.command({ type: 'focusJob', jobId })),
      on('openFiles', (paths) => paths.length > 0 && this.command({ type: 'openFiles', paths })),
      on('openSettings', () => this.command({ type: 'openSettings' })),
    );
    const result = await this.bridge.getSnapshot();
    if (!result.ok) {
      held = null;
      this.set({ status: 'error', loadError: result.error.message });
      return;
    }
    this.loadSnapshot(result.value);
    const pending = held;
    held = null;
    if (pending.length > 0) this.applyJobs(pending, false);
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
  }

  private loadSnapshot(snapshot: QueueSnapshot): void {
    this.index = new JobIndex(snapshot.jobs);
    this.set({
      status: 'ready',
      loadError: null,
      jobIds: this.index.ids,
      tally: this.index.tally,
      connection: snapshot.connection,
      paused: snapshot.paused,
      demoServer: snapshot.demoServer,
    });
  }

  /** One store update per batch, however many jobs it touches. */
  private applyJobs(deltas: readonly JobDelta[], announce = true): void {
    const changes = resolveDeltas(deltas, (id) => this.index.get(id));
    const messages = announce ? announcementsFor(this.index, changes) : [];
    this.index.apply(changes);
    const text = summarize(messages);
    this.set({ jobIds: this.index.ids, tally: this.index.tally, ...(text === null ? {} : { announcement: { text, serial: ++this.serial } }) });
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
