/**
 * A scripted `window.intake` for states the real core reaches only by chance
 * or after long waits (offline for minutes, a server retry, a failure in a
 * given phase): the test sets the jobs and the connection, the backend
 * answers calls the way main does and pushes the same deltas main pushes.
 * Used by the accessibility suites; behaviour itself is proven against the
 * real core in the other e2e files.
 */
import type { ConnectionState } from '../../../src/shared/connectionState';
import type { IpcCallName, IpcResult, QueueSnapshot, SettingsView } from '../../../src/shared/ipc';
import type { ServerJobState } from '../../../src/shared/jobState';
import type { QueueJob } from '../../../src/shared/queueJob';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import type { BridgeHandler, InstalledBridge } from '../../support/testBridge';
import { openApp, type AppHarness } from './appHarness';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const SEEN = ['processing', 'ocr_started', 'ocr_completed', 'ai_started', 'ai_completed', 'saving_results', 'completed'];

/** What the server said, up to `phase` (the phases before it seen 3 s apart). */
export function serverState(phase: string, patch: Partial<ServerJobState> = {}): ServerJobState {
  const reached = phase === 'failed' ? SEEN.length : SEEN.indexOf(phase) + 1;
  const phaseSeenAt = Object.fromEntries(SEEN.slice(0, Math.max(reached, 0)).map((name, index) => [name, at(index * 3)]));
  return {
    jobId: 'srv-1',
    status: phase === 'completed' ? 'completed' : phase === 'failed' ? 'failed' : 'processing',
    phase,
    message: '',
    timestamp: at(30),
    seq: 5,
    attempt: 1,
    maxAttempts: 3,
    willRetry: false,
    phaseSeenAt,
    ...patch,
  };
}

export function scriptedJob(chartNumber: string, patch: Partial<QueueJob> = {}): QueueJob {
  return {
    id: `id-${chartNumber}`,
    chartNumber,
    files: [{ path: `/docs/${chartNumber}.pdf`, name: `${chartNumber}.pdf`, size: 2_400_000, type: 'pdf' }],
    stage: 'queued',
    idempotencyKey: `key-${chartNumber}`,
    jobId: null,
    createdAt: T0,
    updatedAt: T0,
    upload: null,
    uploadAttempts: 0,
    nextUploadAt: null,
    server: null,
    error: null,
    ...patch,
  };
}

/** One job in each state the queue shows (newest first in the list: the last here is on top). */
export function jobsInEveryState(): QueueJob[] {
  const failedDuringOcr = serverState('failed', {
    attempt: 3,
    attemptPhase: 'ocr_started',
    message: 'Processing failed during "OCR started" (attempt 3 of 3); no retries left.',
  });
  return [
    scriptedJob('DONE-1', { stage: 'completed', jobId: 'srv-done', createdAt: T0 + 1, server: serverState('completed', { message: 'Processing completed.' }) }),
    scriptedJob('FAIL-2', { stage: 'failed', jobId: 'srv-fail', createdAt: T0 + 2, server: failedDuringOcr, error: { code: 'failed', message: failedDuringOcr.message } }),
    scriptedJob('RETRY-3', {
      stage: 'tracking',
      jobId: 'srv-retry',
      createdAt: T0 + 3,
      server: serverState('failed', { willRetry: true, attemptPhase: 'ai_started', message: 'Processing failed during "AI analysis" (attempt 1 of 3); retrying.' }),
    }),
    scriptedJob('PROC-4', { stage: 'tracking', jobId: 'srv-proc', createdAt: T0 + 4, server: serverState('ocr_completed', { message: 'OCR done.' }) }),
    scriptedJob('UP-5', {
      stage: 'uploading',
      createdAt: T0 + 5,
      uploadAttempts: 1,
      upload: { sentBytes: 1_000_000, totalBytes: 2_400_000, bytesPerSecond: 500_000, etaSeconds: 3 },
    }),
  ];
}

export const RESULTS = {
  jobId: 'srv-done',
  documents: [{ name: 'DONE-1.pdf', size: 2_400_000, type: 'pdf', pages: 3, sha256: 'ab12cd34ef56ab12cd34ef56' }],
  phases: [{ phase: 'processing', attempt: 1, startedAt: at(0), endedAt: at(3) }],
  summary: { pages: 3, language: 'en' },
};

export class ScriptedBackend {
  readonly jobs = new Map<string, QueueJob>();
  connection: ConnectionState = { state: 'connected', reason: 'socket open' };
  paused = false;
  settings: SettingsView = { ...DEFAULT_SETTINGS, hasToken: false, tokenEncryptionAvailable: true, tokenNotice: null, locked: [] };
  /** What the file picker answers. */
  picked: string[] = ['/docs/scan-1.pdf', '/docs/scan-2.pdf'];
  private bridge: InstalledBridge | null = null;

  constructor(jobs: QueueJob[] = []) {
    for (const job of jobs) this.jobs.set(job.id, job);
  }

  attach(bridge: InstalledBridge): void {
    this.bridge = bridge;
  }

  async upsert(job: QueueJob): Promise<void> {
    this.jobs.set(job.id, job);
    await this.bridge?.emit('jobs', [{ type: 'upsert', job }]);
  }

  async setConnection(connection: ConnectionState): Promise<void> {
    this.connection = connection;
    await this.bridge?.emit('connection', connection);
  }

  async setPaused(paused: boolean): Promise<void> {
    this.paused = paused;
    await this.bridge?.emit('paused', paused);
  }

  private async removeJob(id: string): Promise<void> {
    this.jobs.delete(id);
    await this.bridge?.emit('jobs', [{ type: 'remove', id }]);
  }

  readonly handler: BridgeHandler = async (name: IpcCallName, input: unknown): Promise<IpcResult<unknown>> => {
    const ok = (value: unknown): IpcResult<unknown> => ({ ok: true, value });
    switch (name) {
      case 'getSnapshot':
        return ok({ jobs: [...this.jobs.values()], connection: this.connection, paused: this.paused, demoServer: false } satisfies QueueSnapshot);
      case 'getSettings':
        return ok(this.settings);
      case 'updateSettings':
        this.settings = { ...this.settings, ...(input as object) };
        return ok(this.settings);
      case 'setToken':
        this.settings = { ...this.settings, hasToken: input !== null };
        return ok(this.settings);
      case 'pickFiles':
        return ok(this.picked);
      case 'inspectFiles':
        return ok({
          accepted: (input as string[]).map((path) => ({ path, name: path.split('/').pop() ?? path, size: 1_200_000, type: 'pdf' })),
          rejected: [],
        });
      case 'enqueue': {
        const { chartNumber, files } = input as { chartNumber: string; files: string[] };
        const job = scriptedJob(chartNumber, {
          createdAt: Date.now(),
          files: files.map((path) => ({ path, name: path.split('/').pop() ?? path, size: 1_200_000, type: 'pdf' })),
        });
        await this.upsert(job);
        return ok(job);
      }
      case 'retry': {
        const job = this.jobs.get(input as string);
        if (job) await this.upsert({ ...job, stage: 'queued', jobId: null, server: null, error: null });
        return ok(undefined);
      }
      case 'cancel': {
        const job = this.jobs.get(input as string);
        if (job) await this.upsert({ ...job, stage: 'cancelled' });
        return ok(undefined);
      }
      case 'remove':
        await this.removeJob(input as string);
        return ok(undefined);
      case 'clearFinished': {
        const finished = [...this.jobs.values()].filter((job) => ['completed', 'failed', 'cancelled', 'rejected'].includes(job.stage));
        for (const job of finished) await this.removeJob(job.id);
        return ok(finished.length);
      }
      case 'pauseAll':
      case 'resumeAll':
        await this.setPaused(name === 'pauseAll');
        return ok(undefined);
      case 'getResults':
        return ok(RESULTS);
      default:
        return ok(undefined);
    }
  };
}

/** The built UI in Chromium behind this scripted backend, its events flowing. */
export async function openScriptedApp(backend: ScriptedBackend): Promise<AppHarness> {
  const app = await openApp(backend.handler);
  backend.attach(app.bridge);
  return app;
}
