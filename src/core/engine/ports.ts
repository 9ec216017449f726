/**
 * The engine's parts as its users see them (main's shell, the CLI, the e2e
 * bridge). UploadQueue and ConnectionManager satisfy these; the shell's
 * wiring tests hand the engine small stand-ins through `parts`.
 */
import type { ConnectionState } from '../../shared/connectionState';
import type { FileInspection } from '../../shared/ipc';
import type { QueueChange, QueueJob } from '../../shared/queueJob';
import type { Disposable } from '../base/lifecycle';
import type { ConnectionTarget } from '../connection/connectionOptions';
import type { BatchProgress } from '../connection/transport';
import type { JobInput } from '../queue/jobInput';
import type { EnqueueResult, QueueEvent, ServerTarget } from '../queue/types';
import type { ConnectionCheck } from '../../shared/ipc';
import type { Dialect } from '../../shared/dialect';
import type { JobDelta } from '../../shared/jobDelta';
import type { Settings } from '../../shared/settings';
import type { NotificationDecision } from '../notifications/notificationPolicy';
import type { ServerOfRecord } from './serverOfRecord';

export interface EngineQueue {
  start(): Promise<void>;
  inspect(paths: string[]): Promise<FileInspection>;
  enqueue(input: JobInput): Promise<QueueJob>;
  enqueueMany(inputs: readonly JobInput[]): Promise<EnqueueResult[]>;
  /** Settles once a server asked to cancel (PROTOCOL.md §4) has answered; the job's changes tell the outcome. */
  cancel(id: string): Promise<void> | void;
  retry(id: string): void;
  /** Another chart number (jobRules.refileKind); resolves to the job now carrying the documents. */
  refile(id: string, chartNumber: string): Promise<QueueJob>;
  remove(id: string): void;
  /** How many finished jobs were cleared. */
  clearFinished(): number | Promise<number>;
  pauseAll(): void;
  resumeAll(): void;
  readonly paused: boolean;
  setConcurrency(n: number): void;
  setHistorySize(n: number): void;
  /** The engine's alone: the server of record changed. */
  setServer(server: ServerTarget): void;
  snapshot(): QueueJob[];
  get(id: string): QueueJob | undefined;
  onChange(listener: (changes: QueueChange[]) => void): Disposable;
  onEvent(listener: (event: QueueEvent) => void): Disposable;
  getResults(id: string): Promise<unknown>;
  dispose(): Promise<void>;
}

export interface EngineConnection {
  start(): void;
  dispose(): Promise<void>;
  /** OS resume or network online: test the socket now. */
  nudge(): void;
  /** The engine's alone: the server of record changed. */
  setServer(target: ConnectionTarget): void;
  readonly state: ConnectionState;
  onState(listener: (state: ConnectionState) => void): Disposable;
  /** Seed 004's `batch:update` of a followed batch (backends with batches only). */
  onBatch?(listener: (batch: BatchProgress) => void): Disposable;
}

/** The server of record as seen outside the engine: everything but the live network object. */
export type ServerView = Omit<ServerOfRecord, 'network'>;

/** The settings the engine follows (the desktop's Settings satisfy it). */
export type EngineSettings = Pick<
  Settings,
  'serverUrl' | 'webSocketUrl' | 'uploadConcurrency' | 'historySize' | 'hotFolder' | 'chartNumberPattern' | 'chartNumbersInNotifications'
>;

/**
 * The engine as main's shell uses it: IntakeEngine in this process, or RemoteEngine for
 * one running in the core's own process (core/host). Same calls, same events.
 */
export interface Engine {
  readonly queue: EngineQueue;
  readonly connection: EngineConnection;
  /** The hot-folder supervisor (the desktop's engine), null without one. */
  readonly hotFolder: { apply(settings: Pick<Settings, 'hotFolder' | 'chartNumberPattern'>): Promise<void> } | null;
  readonly server: ServerView;
  start(): Promise<void>;
  configure(settings: EngineSettings, changed: ReadonlySet<keyof Settings>, dialect?: Dialect): Promise<void>;
  setToken(token: string | null): void;
  onServer(listener: (server: ServerView) => void): Disposable;
  onNotification(listener: (decision: NotificationDecision) => void): Disposable;
  /** The same steps as `intake doctor`, to the server in use, through its network. */
  checkConnection(): Promise<ConnectionCheck[]>;
  /** The queue's changes for a page: at most one batch per frame, each job as what changed (PageFeed). */
  onPageBatch(listener: (deltas: JobDelta[]) => void): Disposable;
  /** Every batch made so far leaves now: called before answering a page's snapshot request. */
  flushPage(): void;
  dispose(): Promise<void>;
}
