/**
 * The queue's job as every front end sees it (CLI, main, renderer). The core
 * owns and mutates it; everyone else receives copies through the change stream.
 */
import type { ServerJobState } from './jobState';

/** `blocked`: the backend's quality check holds the job and a person must look at it (seed 004's BLOCKED). */
export const STAGES = ['queued', 'uploading', 'tracking', 'completed', 'failed', 'cancelled', 'rejected', 'blocked'] as const;
export type Stage = (typeof STAGES)[number];

export const FINISHED_STAGES: readonly Stage[] = ['completed', 'failed', 'cancelled', 'rejected', 'blocked'];
export function isFinishedStage(stage: Stage): boolean {
  return FINISHED_STAGES.includes(stage);
}

export interface JobFile {
  /** Absolute path on this machine. Never logged. */
  path: string;
  /** Base name, shown to the user. Never logged. */
  name: string;
  size: number;
  /** Type detected from the content: pdf | tiff | png | jpeg. */
  type: string;
  /**
   * The very file that was checked (device and inode of the opened file): the upload refuses
   * any other file found under this path later. Absent in jobs saved before it existed.
   */
  identity?: FileIdentity;
  /** SHA-256 of the content, when it was hashed while the files were checked ("Already sent?"). */
  sha256?: string;
}

export interface FileIdentity {
  dev: number;
  ino: number;
}

export interface UploadProgress {
  sentBytes: number;
  totalBytes: number;
  bytesPerSecond: number;
  /** Seconds left at the current speed; null while unknown. */
  etaSeconds: number | null;
}

export interface JobError {
  /** Machine-readable: the server's `error` code, or one of ours (network, stalled, file_missing, …). */
  code: string;
  /** For the user, as specific as we can make it. */
  message: string;
}

export interface QueueJob {
  /** Local id (uuid); stable across restarts. */
  id: string;
  chartNumber: string;
  files: JobFile[];
  stage: Stage;
  /** Sent with every upload try of this job, so the server never creates it twice. */
  idempotencyKey: string;
  /** The server's id once the upload was accepted. */
  jobId: string | null;
  createdAt: number;
  updatedAt: number;
  /** While uploading; null otherwise. */
  upload: UploadProgress | null;
  /** How many upload tries so far (for "retrying, attempt n"). */
  uploadAttempts: number;
  /** When the next upload try starts, while waiting for a backoff; null otherwise. */
  nextUploadAt: number | null;
  /** What the server said of the job, once tracked. */
  server: ServerJobState | null;
  /**
   * Which backend accepted the upload (its ServerTarget identity). A job can only be followed
   * on that backend. Absent in jobs saved before it existed: taken as the backend in use.
   */
  acceptedBy?: string;
  /**
   * The user cancelled a job the server holds and the server was asked to stop it (PROTOCOL.md §4):
   * shown as "Cancelling…" until the final `cancelled` update. Absent or false otherwise.
   */
  cancelRequested?: boolean;
  /** One id for the jobs of one multi-chart drop or jobs file, sent where the backend knows batches (seed 004). */
  batchId?: string;
  error: JobError | null;
}

/** The list's order: newer first; equal times fall back to the id so the order never flickers. */
export function isBefore(a: Pick<QueueJob, 'createdAt' | 'id'>, b: Pick<QueueJob, 'createdAt' | 'id'>): boolean {
  return a.createdAt !== b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
}

export function sortNewestFirst<J extends Pick<QueueJob, 'createdAt' | 'id'>>(jobs: readonly J[]): J[] {
  return [...jobs].sort((a, b) => (a.id === b.id ? 0 : isBefore(a, b) ? -1 : 1));
}

/** One entry of the queue's change stream. */
export type QueueChange = { type: 'upsert'; job: QueueJob } | { type: 'remove'; id: string };
