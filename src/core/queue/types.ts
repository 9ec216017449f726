/**
 * The UploadQueue's ports and events (the contract in notes/queue-api.md).
 * Front ends import them from UploadQueue.ts, which re-exports this file.
 *
 * Additions to that contract (all optional, nothing renamed):
 * - QueueStore.drainWarnings(): load problems reported as 'warning' events.
 * - QueueStore.save(state, changes): what changed since the previous save, so a store may write only that.
 * - QueueTimings.retryBaseMs / retryMaxMs / maxUploadAttempts.
 * - UploadQueue.enqueueMany(inputs) → EnqueueResult[]: per-input refusals, one write for the accepted jobs.
 * - ServerTarget.identity and QueueJob.acceptedBy: a job is followed only on the backend that accepted
 *   it; switching to another ends its open jobs as failed ('server_changed'), retry re-uploads them.
 * - cancel/retry/remove/getResults throw QueueInputError ('not_found' |
 *   'invalid_state'); setConcurrency/setHistorySize/setServer/inspect throw
 *   'invalid_argument' on bad values. Nothing changes when they throw.
 */
import type { Disposable } from '../base/lifecycle';
import type { RejectedFile } from '../../shared/ipc';
import type { ServerJobState } from '../../shared/jobState';
import type { QueueJob } from '../../shared/queueJob';
import type { Clock } from '../clock';
import type { Logger } from '../base/logger';

/** The JSON both stores keep (file for the CLI, electron-store for the app). */
export interface PersistedQueue {
  version: 1;
  jobs: QueueJob[];
  paused: boolean;
}

/**
 * What changed since the previous save() handed to the same store, whether that save succeeded or not: each
 * job added or changed (the same object as in the state's `jobs`), or removed (null).
 */
export type SavedChanges = ReadonlyMap<string, QueueJob | null>;

/** Persistence port: the CLI implements it with a JSON file, Electron with electron-store. Same JSON. */
export interface QueueStore {
  /** null when nothing was saved yet (or what was saved could not be read and was set aside). */
  load(): Promise<PersistedQueue | null>;
  /**
   * Durable (atomic write + fsync) before resolving. With `changes` a store may write only those jobs, so a
   * save costs what changed, not the queue; one whose last save failed must write everything instead.
   */
  save(state: PersistedQueue, changes?: SavedChanges): Promise<void>;
  /** Problems met while loading (e.g. a corrupt file moved aside); the queue reports each as a 'warning' event. Optional. */
  drainWarnings?(): string[];
  /** Releases what the store holds open (the journal's file handle) after the last save. Optional. */
  close?(): Promise<void>;
}

/** What the queue needs from the tracking engine (ConnectionManager implements it). */
import type { Dialect } from '../../shared/dialect';
import type { Network } from '../network/network';

export interface JobTracker {
  /** `batchId`: the job's batch is followed too, where the backend has batches (seed 004). */
  track(jobId: string, info: { chartNumber: string; batchId?: string }, known?: ServerJobState): void;
  untrack(jobId: string): void;
  onJob(listener: (job: ServerJobState) => void): Disposable;
}

export interface ServerTarget {
  baseUrl: string;
  token?: string | null;
  /** Proxy and trust for uploads and results (default: direct, Node's bundled roots). */
  network?: Network;
  /** The contract spoken: upload path, multipart fields, answer's id field, cancel route (default intake). */
  dialect?: Dialect;
  /**
   * Which backend this is, for the jobs it accepted; default the baseUrl (host case, default port
   * and trailing slashes do not count). The desktop's demo
   * server says 'demo': its port changes at every start, its jobs stay.
   */
  identity?: string;
}

export interface QueueTimings {
  /** A transfer with no progress for this long is aborted and retried. Default 30 s. */
  stallMs?: number;
  /** Least time between two progress changes of one job. Default 100 ms (≤ 10/s). */
  progressIntervalMs?: number;
  /** State changes are written at most this often (enqueue is always written at once). Default 200 ms. */
  saveDebounceMs?: number;
  /** Upload retry backoff: first ceiling (default 1 s), doubling up to retryMaxMs (default 30 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Tries per upload before the job fails (default 8). */
  maxUploadAttempts?: number;
}

export interface UploadQueueOptions {
  server: ServerTarget;
  store: QueueStore;
  tracker: JobTracker;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  /** Uploads at the same time; default 2. */
  concurrency?: number;
  /** Finished jobs kept, oldest dropped first; default 1000. */
  historySize?: number;
  limits?: { maxFileBytes?: number; maxFilesPerJob?: number; maxDirectoryFiles?: number };
  timings?: QueueTimings;
}

export type QueueEvent =
  | { type: 'queued'; job: QueueJob }
  /** The server accepted the upload: `job.jobId` is known. */
  | { type: 'uploaded'; job: QueueJob }
  /** An applied server update. */
  | { type: 'phase'; job: QueueJob }
  /** Reached completed | failed (final) | cancelled | rejected. */
  | { type: 'done'; job: QueueJob }
  | { type: 'warning'; message: string };

export type QueueInputErrorCode =
  | 'invalid_chart_number'
  | 'no_files'
  | 'invalid_files'
  | 'not_found'
  | 'invalid_state'
  | 'invalid_argument'
  | 'storage'
  | 'closed';

/** One input's outcome in enqueueMany: its queued job, or why it was refused (nothing of it was kept). */
export type EnqueueResult = { ok: true; job: QueueJob } | { ok: false; error: QueueInputError };

/** Bad input to the queue: a specific message for the user, nothing changed. */
export class QueueInputError extends Error {
  readonly code: QueueInputErrorCode;
  readonly rejected: RejectedFile[];

  constructor(code: QueueInputErrorCode, message: string, rejected: RejectedFile[] = []) {
    super(message);
    this.name = 'QueueInputError';
    this.code = code;
    this.rejected = rejected;
  }
}
