/**
 * What the shell needs from the core, stated structurally: the real
 * UploadQueue and ConnectionManager satisfy these, and the shell's tests pass
 * small fakes. Only methods the shell calls are listed.
 */
import type { ConnectionState } from '../shared/connectionState';
import type { FileInspection } from '../shared/ipc';
import type { ServerTarget } from '../core/queue/types';
import type { QueueChange, QueueJob } from '../shared/queueJob';

/** The queue's target, as the core declares it (baseUrl, token, identity). */
export type { ServerTarget } from '../core/queue/types';

/** The queue's target: the demo server is one backend whatever port it got this time. */
export function queueServer(baseUrl: string, demo: boolean, token: string | null): ServerTarget {
  return { baseUrl, token, ...(demo && { identity: 'demo' }) };
}

export interface QueuePort {
  start(): Promise<void>;
  inspect(paths: string[]): Promise<FileInspection>;
  enqueue(input: { chartNumber: string; files: string[] }): Promise<QueueJob>;
  cancel(id: string): void;
  retry(id: string): void;
  remove(id: string): void;
  clearFinished(): number;
  pauseAll(): void;
  resumeAll(): void;
  readonly paused: boolean;
  setConcurrency(n: number): void;
  setHistorySize(n: number): void;
  setServer(server: ServerTarget): void;
  snapshot(): QueueJob[];
  get(id: string): QueueJob | undefined;
  onChange(listener: (changes: QueueChange[]) => void): () => void;
  onEvent(listener: (event: QueueEventLike) => void): () => void;
  getResults(id: string): Promise<unknown>;
  close(): Promise<void>;
}

/** The queue's events, as far as the shell reads them. */
export type QueueEventLike = { type: string; job?: QueueJob; message?: string };

export interface ConnectionPort {
  start(): void;
  stop(): Promise<void>;
  nudge(): void;
  setToken(token: string | null): void;
  setServer(baseUrl: string, wsUrl?: string): void;
  readonly state: ConnectionState;
  onState(listener: (state: ConnectionState) => void): () => void;
}

/** One decision of the core's notification policy. */
export interface NotificationDecision {
  title: string;
  body: string;
  jobIds: string[];
  kind: string;
}
