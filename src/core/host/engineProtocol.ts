/**
 * What main and the core's own process say to each other (engineHost.ts
 * serves it, RemoteEngine.ts speaks it). Plain data only: every value here is
 * structured-cloned by the channel.
 */
import type { ConnectionState } from '../../shared/connectionState';
import type { QueueJob } from '../../shared/queueJob';
import type { NetworkSettings } from '../network/appNetwork';
import type { ProxyCredentials } from '../network/network';
import type { SavedProxyLogin } from '../network/proxyLogin';
import type { ServerView } from '../engine/ports';
import type { ServerChoice } from '../engine/serverOfRecord';
import type { QueueInputError } from '../queue/types';

/** The network as settings, built in the core's process (proxy decisions of the OS asked from main). */
export interface NetworkRecipe {
  settings: NetworkSettings;
  /** The proxy sign-in in force (main's ProxyLogin), null without. */
  login: SavedProxyLogin | null;
}

export interface HostedEngineConfig {
  choice: ServerChoice;
  network: NetworkRecipe;
  /** The journal's folder (queue.snapshot + queue.journal). */
  queueDir: string;
  /** Main holds an older version's queue (electron-store): the host reads it through main, once. */
  legacyQueue: boolean;
  /** Where the bundled demo server keeps its jobs; null = no demo server (a missing URL is refused). */
  demoDataDir: string | null;
  queue: { concurrency: number; historySize: number };
  chartNumbersInNotifications: boolean;
  /** Run the hot-folder supervisor (its notices come back as events). */
  hotFolder: boolean;
}

/** The engine's state as main mirrors it. */
export interface EngineView {
  jobs: QueueJob[];
  paused: boolean;
  connection: ConnectionState;
  server: ServerView;
}

/** enqueueMany's outcome across the channel (an error crosses as its code and message). */
export type WireEnqueueResult = { ok: true; job: QueueJob } | { ok: false; error: Pick<QueueInputError, 'code' | 'message' | 'rejected'> };

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

export interface ProxyAuthRequired {
  proxy: string;
  sent: ProxyCredentials | null;
}

/** Events from the core's process to main. */
export const HOST_EVENTS = {
  /** A PageFeed batch (JobDelta[]): main applies it to its mirror and forwards it to the page. */
  jobs: 'jobs',
  warning: 'warning',
  connection: 'connection',
  batch: 'batch',
  server: 'server',
  notification: 'notification',
  hotFolderNotice: 'hotFolderNotice',
  proxyAuthRequired: 'proxyAuthRequired',
  log: 'log',
} as const;

/** What the core's process asks main (main's alone: Electron's session, electron-store). */
export const MAIN_CALLS = {
  resolveProxy: 'resolveProxy',
  legacyLoad: 'legacy.load',
  legacyRetire: 'legacy.retire',
} as const;
