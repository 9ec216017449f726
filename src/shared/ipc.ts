/**
 * The bridge between renderer and main, declared once. Each call and event has
 * a zod schema; main validates every payload with it, the preload exposes
 * exactly these names as `window.intake`, and the TypeScript types of both
 * sides are inferred from here. Adding a call touches this list only.
 */
import { z } from 'zod';
import type { BatchProgress } from './batchProgress';
import type { ConnectionState } from './connectionState';
import type { CheckName } from './networkStep';
import type { JobDelta } from './jobDelta';
import type { JobFile, QueueJob, Stage } from './queueJob';
import type { DocumentType } from './documentType';
import { settingsPatchSchema, type Settings } from './settings';

const id = z.string().min(1).max(100);
const path = z.string().min(1).max(4096);

/** Every call answers with this envelope: errors cross the bridge typed, never as thrown strings. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };
export const IPC_ERROR_CODES = ['invalid_payload', 'forbidden_sender', 'not_found', 'invalid_request', 'unavailable', 'internal'] as const;
export interface IpcError {
  code: (typeof IPC_ERROR_CODES)[number];
  message: string;
}

export interface RejectedFile {
  path: string;
  name: string;
  reason: string;
}
/** A checked file whose content was sent before (queue or history), or that is in the drop twice: a warning, not a block. */
export interface SeenBefore {
  path: string;
  /** When the newest job with this content was queued (ms since the epoch); null when only the drop holds it twice. */
  sentAt: number | null;
  chartNumber: string | null;
  twiceInDrop: boolean;
}
export interface FileInspection {
  accepted: JobFile[];
  rejected: RejectedFile[];
  /** Filled by the queue's inspect (content hashed there, streamed); absent elsewhere. */
  seenBefore?: SeenBefore[];
}
/** A document's bytes for the preview (main reads them; the page cannot read files). */
export interface DocumentBytes {
  /** Detected from the content, never from the name. */
  type: DocumentType;
  bytes: Uint8Array;
}
/** Larger documents are not previewed (they can still be sent): the bytes cross the bridge whole. */
export const PREVIEW_MAX_BYTES = 64 * 1024 * 1024;

export interface QueueSnapshot {
  jobs: QueueJob[];
  connection: ConnectionState;
  paused: boolean;
  /** True while the bundled demo server is the backend. */
  demoServer: boolean;
  /**
   * Only in a first-screen snapshot (`getSnapshot({ firstScreen: true })`) that leaves jobs out
   * (shared/firstScreen.ts): what it left out. Absent: `jobs` is every job.
   */
  rest?: SnapshotRest;
}
/** The jobs a first-screen snapshot left out: older finished jobs, only counted. */
export interface SnapshotRest {
  /** How many were left out, by stage (finished stages only). */
  stages: Partial<Record<Stage, number>>;
  /** The newest one left out: every job left out is this one or older (shared/queueJob.ts isBefore). */
  newest: { id: string; createdAt: number };
}
/** One step of *Test connection* (the same check as `intake doctor`). */
export interface ConnectionCheck {
  name: CheckName;
  outcome: 'ok' | 'failed' | 'skipped';
  detail: string;
}
export interface SettingsView extends Settings {
  /** The token itself never reaches the renderer. */
  hasToken: boolean;
  /** False where the OS cannot encrypt the token (see allowPlaintextToken). */
  tokenEncryptionAvailable: boolean;
  /** Why the saved token was removed (it belonged to another server's origin); null otherwise. */
  tokenNotice: string | null;
  /** Settings an administrator's policy locked: shown read-only ("Set by your administrator"). */
  locked: Array<keyof Settings>;
}

/** `call<Output>()(inputSchema)`: the input is validated at runtime, the output is typed. */
const call =
  <O>() =>
  <I extends z.ZodType>(input: I) => ({ input, output: undefined as unknown as O });
const none = z.undefined();

export const ipcCalls = {
  /** Which of these paths can be sent, and why the others cannot (directories are expanded). */
  inspectFiles: call<FileInspection>()(z.array(path).min(1).max(10_000)),
  enqueue: call<QueueJob>()(z.object({ chartNumber: z.string().max(200), files: z.array(path).min(1).max(10_000) }).strict()),
  /** Native open dialog; resolves to the chosen paths (empty when cancelled). */
  pickFiles: call<string[]>()(none),
  cancel: call<void>()(id),
  /** The "Sent — Undo" toast: removes a job the server has not accepted yet, else cancels it there (jobRules.undoKind). */
  undo: call<'removed' | 'cancelling'>()(id),
  retry: call<void>()(id),
  /** Another chart number for a job (jobRules.refileKind); answers the job now carrying the documents. */
  refile: call<QueueJob>()(z.object({ id, chartNumber: z.string().max(200) }).strict()),
  remove: call<void>()(id),
  /** Removes every finished job; answers how many. */
  clearFinished: call<number>()(none),
  pauseAll: call<void>()(none),
  resumeAll: call<void>()(none),
  /**
   * Every job, or with `firstScreen` only what the window's first screen needs (shared/firstScreen.ts):
   * with a long history the page paints that, then asks for every job.
   */
  getSnapshot: call<QueueSnapshot>()(z.object({ firstScreen: z.literal(true) }).strict().optional()),
  /** The §2 `results` of a completed job, as the server sent them. */
  getResults: call<unknown>()(id),
  getSettings: call<SettingsView>()(none),
  updateSettings: call<SettingsView>()(settingsPatchSchema),
  /** Write-only: the renderer learns only `hasToken`. null removes the token. */
  setToken: call<SettingsView>()(
    z
      .string()
      .trim()
      .min(1, 'The token is empty.')
      .max(8192, 'The token is longer than 8,192 characters.')
      // What an Authorization header can carry: visible ASCII, no spaces or line breaks.
      .regex(/^[\x21-\x7e]+$/, 'A token has only letters, digits and symbols: no spaces, line breaks or accented letters.')
      .nullable(),
  ),
  revealFiles: call<void>()(id),
  /**
   * A document's bytes for the preview: a path the user handed over (the add dialog), or a job's
   * file by its index (the path comes from the queue, never from the page). Capped at PREVIEW_MAX_BYTES.
   */
  readDocument: call<DocumentBytes>()(
    z.union([z.object({ path }).strict(), z.object({ jobId: id, file: z.number().int().min(0).max(9_999) }).strict()]),
  ),
  /**
   * The hot folder is chosen in main's own folder dialog, never typed by the page; a folder Intake
   * would walk whole (home, Documents, a drive root…) is refused, and files already in it are asked about.
   * Answers the settings (unchanged when the dialog was cancelled).
   */
  pickHotFolder: call<SettingsView>()(none),
  /** A custom CA certificate (PEM), chosen in main's file dialog; refused when it cannot be used. */
  pickCaFile: call<SettingsView>()(none),
  /** Settings → Server → Backend type → custom: a dialect file chosen in main's file dialog; a malformed one is refused, nothing changes. */
  pickDialectFile: call<SettingsView>()(none),
  /** Settings → Test connection: DNS, TCP, proxy, TLS, HTTP and WebSocket to the server in use, one result each. */
  testConnection: call<ConnectionCheck[]>()(none),
  /** Opens the folder of the log file in the OS file manager. */
  openLogFolder: call<void>()(none),
  /** Main's save dialog, then one text file for support (no token, chart numbers or file names); false when cancelled. */
  saveDiagnostics: call<boolean>()(none),
} as const;

export type IpcCallName = keyof typeof ipcCalls;
export type IpcCallInput<N extends IpcCallName> = z.infer<(typeof ipcCalls)[N]['input']>;
export type IpcCallOutput<N extends IpcCallName> = (typeof ipcCalls)[N]['output'];

export interface IpcEvents {
  /** Deltas of the queue (a job whole when new to the page, then its changed fields), at most one message per 16 ms. */
  jobs: JobDelta[];
  connection: ConnectionState;
  paused: boolean;
  /** The backend switched to (true) or away from (false) the bundled demo server. */
  demoServer: boolean;
  /** Show this job (a notification or the tray menu was clicked). */
  focusJob: string;
  /** Paths handed to the app from outside (second launch, "Open with", dock drop): ask for the chart number, then enqueue. */
  openFiles: string[];
  /** The tray's "Settings…" was chosen: show the settings view. */
  openSettings: null;
  /** The server's progress of a batch (seed 004's `batch:update`), shown on that batch's jobs. */
  batch: BatchProgress;
}
export const IPC_EVENT_NAMES = ['jobs', 'connection', 'paused', 'demoServer', 'focusJob', 'openFiles', 'openSettings', 'batch'] as const satisfies readonly (keyof IpcEvents)[];
export type IpcEventName = (typeof IPC_EVENT_NAMES)[number];

export const IPC_CALL_NAMES = Object.keys(ipcCalls) as IpcCallName[];
/**
 * Preload → main only, never on `window.intake`: the real path of a File the user dropped or pasted,
 * recorded as handed over before the page asks to read it (main reads only such paths).
 */
export const DROPPED_PATH_CHANNEL = 'intake:dropped-path';
export const ipcChannel = (name: IpcCallName | IpcEventName): string => `intake:${name}`;

/** `window.intake`, as the preload exposes it. */
export type IntakeBridge = {
  [N in IpcCallName]: undefined extends IpcCallInput<N>
    ? (input?: IpcCallInput<N>) => Promise<IpcResult<IpcCallOutput<N>>>
    : (input: IpcCallInput<N>) => Promise<IpcResult<IpcCallOutput<N>>>;
} & {
  /** Real path of a dropped or pasted File (preload-local, webUtils.getPathForFile). Empty when it has none. */
  pathForFile(file: File): string;
  /** Subscribes to a main → renderer event; returns the unsubscribe function. */
  on<E extends IpcEventName>(event: E, listener: (payload: IpcEvents[E]) => void): () => void;
};
