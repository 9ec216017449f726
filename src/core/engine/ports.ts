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
  clearFinished(): number;
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
