/** Messages between the bench process and the reference server child (fork IPC). */
import type { ReferenceServerOptions } from '../../src/server/index';

/** JSON-safe subset of the server options (functions cannot cross the channel). */
export type ChildOptions = Omit<ReferenceServerOptions, 'failPlan' | 'log' | 'random'>;

export type CommandBody =
  | { cmd: 'stream'; jobIds: string[]; ratePerSecond: number; durationMs: number }
  | { cmd: 'emitEach'; jobIds: string[] }
  | { cmd: 'stats' }
  | { cmd: 'jobs' }
  | { cmd: 'dropAllSockets' }
  | { cmd: 'close' };
export type ChildCommand = CommandBody & { id: number };

export type ChildReply =
  | { type: 'ready'; url: string; wsUrl: string; port: number; at: number }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };
