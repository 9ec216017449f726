/**
 * The implementation of every IPC call, in terms of the core and the shell's
 * services. Payloads arrive validated by their schema (registerHandlers.ts);
 * what a schema cannot know (a job exists, a path is absolute, a state allows
 * the action) is checked here and answered with a typed IpcFailure.
 */
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { PathGrants } from '../../core/desktop/pathGrants';
import { DocumentReadError, readDocumentBytes } from '../../core/files/documentBytes';
import { QueueInputError } from '../../core/queue/UploadQueue';
import { firstScreenOf } from '../../shared/firstScreen';
import { chartNumberProblem } from '../../shared/chartNumber';
import { CANCEL_REFUSAL, REFILE_REFUSAL, RETRY_REFUSAL, UNDO_REFUSAL, canCancel, canRetry, hasResults, refileKind, undoKind } from '../../shared/jobRules';
import type { JobFile, QueueJob } from '../../shared/queueJob';
import { PREVIEW_MAX_BYTES, type ConnectionCheck, type DocumentBytes, type IpcCallInput, type QueueSnapshot, type SettingsView } from '../../shared/ipc';
import type { SettingsPatch } from '../../shared/settings';
import type { EngineQueue } from '../../core/engine/ports';
import { IpcFailure } from '../ipc/ipcFailure';
import type { IpcHandlers } from '../ipc/ipcGate';

export interface HandlerServices {
  queue: () => EngineQueue;
  snapshot: () => QueueSnapshot;
  settingsView: () => SettingsView;
  updateSettings: (patch: SettingsPatch) => Promise<SettingsView>;
  setToken: (token: string | null) => Promise<SettingsView>;
  pickHotFolder: () => Promise<SettingsView>;
  pickCaFile: () => Promise<SettingsView>;
  pickDialectFile: () => Promise<SettingsView>;
  testConnection: () => Promise<ConnectionCheck[]>;
  /** The native picker; what the user chose there is granted. */
  pickFiles: () => Promise<string[]>;
  /** What the user handed over (picker, drop, launch): the only paths read for the renderer. */
  grants: PathGrants;
  /** Shows a file in the OS file manager (shell.showItemInFolder). */
  showItemInFolder: (path: string) => void;
  setPaused: (paused: boolean) => void;
  openLogFolder: () => Promise<void>;
  saveDiagnostics: () => Promise<boolean>;
}

export function createIntakeHandlers(services: HandlerServices): IpcHandlers {
  const job = (id: string): QueueJob => {
    const found = services.queue().get(id);
    if (!found) throw new IpcFailure('not_found', 'That job is no longer in the queue.');
    return found;
  };
  return {
    inspectFiles: async (paths) => services.queue().inspect(grantedPaths(paths, services.grants)),
    enqueue: async ({ chartNumber, files }) => {
      const problem = chartNumberProblem(chartNumber);
      if (problem) throw new IpcFailure('invalid_request', problem);
      try {
        return await services.queue().enqueue({ chartNumber, files: grantedPaths(files, services.grants) });
      } catch (error) {
        throw asQueueFailure(error);
      }
    },
    pickFiles: async () => {
      const chosen = await services.pickFiles();
      services.grants.grant(chosen, 'picker');
      return chosen;
    },
    cancel: (id) => {
      if (!canCancel(job(id))) throw new IpcFailure('invalid_request', CANCEL_REFUSAL);
      // Not awaited: the job shows "Cancelling…" meanwhile, and the outcome arrives as job changes.
      queueCall(() => void services.queue().cancel(id));
    },
    undo: (id) => {
      const kind = undoKind(job(id));
      if (kind === null) throw new IpcFailure('invalid_request', UNDO_REFUSAL);
      queueCall(() => (kind === 'remove' ? services.queue().remove(id) : void services.queue().cancel(id)));
      return kind === 'remove' ? 'removed' : 'cancelling';
    },
    refile: async ({ id, chartNumber }) => {
      const problem = chartNumberProblem(chartNumber);
      if (problem) throw new IpcFailure('invalid_request', problem);
      if (refileKind(job(id)) === null) throw new IpcFailure('invalid_request', REFILE_REFUSAL);
      try {
        return await services.queue().refile(id, chartNumber);
      } catch (error) {
        throw asQueueFailure(error);
      }
    },
    retry: (id) => {
      if (!canRetry(job(id))) throw new IpcFailure('invalid_request', RETRY_REFUSAL);
      queueCall(() => services.queue().retry(id));
    },
    remove: (id) => {
      job(id);
      queueCall(() => services.queue().remove(id));
    },
    clearFinished: () => services.queue().clearFinished(),
    pauseAll: () => services.setPaused(true),
    resumeAll: () => services.setPaused(false),
    getSnapshot: (input) => (input?.firstScreen ? firstScreenOf(services.snapshot()) : services.snapshot()),
    getResults: async (id) => {
      if (!hasResults(job(id))) throw new IpcFailure('invalid_request', 'Results exist only for a completed job.');
      try {
        return await services.queue().getResults(id);
      } catch (error) {
        if (error instanceof IpcFailure) throw error;
        throw new IpcFailure('unavailable', 'The server did not return the results; try again in a moment.');
      }
    },
    getSettings: () => services.settingsView(),
    updateSettings: (patch) => services.updateSettings(patch),
    setToken: (token) => services.setToken(token),
    pickHotFolder: () => services.pickHotFolder(),
    pickCaFile: () => services.pickCaFile(),
    pickDialectFile: () => services.pickDialectFile(),
    testConnection: () => services.testConnection(),
    openLogFolder: () => services.openLogFolder(),
    saveDiagnostics: () => services.saveDiagnostics(),
    revealFiles: (id) => {
      // The path comes from the queue, never from the renderer.
      const first = job(id).files.find((file) => existsSync(file.path));
      if (!first) throw new IpcFailure('not_found', 'The files of this job are no longer where they were sent from.');
      services.showItemInFolder(first.path);
    },
    readDocument: (input) => readForPreview(input, services, job),
  };
}

/** A granted path (the add dialog), or a job's file by index: its path and identity come from the queue. */
async function readForPreview(input: IpcCallInput<'readDocument'>, services: HandlerServices, job: (id: string) => QueueJob): Promise<DocumentBytes> {
  let target: { path: string; identity?: JobFile['identity'] };
  if ('path' in input) {
    target = { path: grantedPaths([input.path], services.grants)[0] as string };
  } else {
    const file = job(input.jobId).files[input.file];
    if (!file) throw new IpcFailure('not_found', 'That job has no such file.');
    target = file;
  }
  try {
    return await readDocumentBytes(target.path, { maxBytes: PREVIEW_MAX_BYTES, identity: target.identity });
  } catch (error) {
    if (error instanceof DocumentReadError) throw new IpcFailure(error.code, error.message);
    throw error;
  }
}

function queueCall(action: () => void): void {
  try {
    action();
  } catch (error) {
    throw asQueueFailure(error);
  }
}

/** Nothing is read for the renderer unless the user handed it over: a page cannot name files of its own. */
function grantedPaths(paths: string[], grants: PathGrants): string[] {
  if (paths.some((path) => !isAbsolute(path) || path.includes('\0'))) {
    throw new IpcFailure('invalid_request', 'Files must be given with their full path (drop them or use "Add documents").');
  }
  const problem = grants.problem(paths);
  if (problem !== null) throw new IpcFailure('invalid_request', problem);
  return paths;
}

/** The queue's input errors carry a message for the user; anything else stays internal. */
function asQueueFailure(error: unknown): unknown {
  if (error instanceof QueueInputError) return new IpcFailure(error.code === 'not_found' ? 'not_found' : 'invalid_request', error.message);
  return error;
}
