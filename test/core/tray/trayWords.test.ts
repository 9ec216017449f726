/** The tray's words, exactly as the user reads them: tooltip lines, menu, each job's label. */
import { describe, expect, it } from 'vitest';
import { jobLabel, trayModel, type TrayInput } from '../../../src/core/tray/trayModel';
import type { ConnectionState } from '../../../src/shared/connectionState';
import { initialServerJob } from '../../../src/shared/jobState';
import { makeJob } from '../../main/fixtures/jobs';

const connected: ConnectionState = { state: 'connected', reason: 'test' };
const input = (overrides: Partial<TrayInput>): TrayInput => ({ jobs: [], connection: connected, paused: false, seenUntil: 0, showChartNumbers: false, ...overrides });

describe('tray tooltip', () => {
  it('counts every open kind, and unseen failures and rejections', () => {
    const jobs = [makeJob('queued'), makeJob('queued'), makeJob('uploading'), makeJob('tracking'), makeJob('failed', { updatedAt: 50 }), makeJob('rejected', { updatedAt: 60 })];
    expect(trayModel(input({ jobs, seenUntil: 40 })).tooltip).toBe('Intake — 1 uploading · 2 waiting · 1 processing · 2 failed');
    // Completed and cancelled jobs are never failures, however recent.
    expect(trayModel(input({ jobs: [makeJob('completed', { updatedAt: 99 }), makeJob('cancelled', { updatedAt: 99 })], seenUntil: 40 }))).toMatchObject({ tooltip: 'Intake — all done', icon: 'idle' });
    // Seen at the very moment it failed: no longer news.
    expect(trayModel(input({ jobs: [makeJob('rejected', { updatedAt: 60 })], seenUntil: 60 }))).toMatchObject({ tooltip: 'Intake — all done', icon: 'idle' });
    expect(trayModel(input({ jobs: [makeJob('rejected', { updatedAt: 61 })], seenUntil: 60 }))).toMatchObject({ tooltip: 'Intake — 1 failed', icon: 'error' });
  });

  it('says paused only while something waits, and how the connection is', () => {
    expect(trayModel(input({ paused: true })).tooltip).toBe('Intake — all done');
    expect(trayModel(input({ paused: true, jobs: [makeJob('queued')] })).tooltip).toBe('Intake — 1 waiting\nUploads paused');
    const line = (connection: ConnectionState) => trayModel(input({ connection })).tooltip.split('\n')[1];
    expect(line({ state: 'reconnecting', reason: 'x', nextTryAt: 0, attempt: 1 })).toBe('Offline — reconnecting');
    expect(line({ state: 'polling', reason: 'x', nextTryAt: 0, attempt: 1 })).toBe('Offline — following jobs over HTTP');
    expect(line({ state: 'auth_failed', reason: 'x' })).toBe('Sign-in refused by the server — check the token in Settings');
    expect(line({ state: 'stopped', reason: 'x' })).toBe('Not connected');
    expect(line({ state: 'connecting', reason: 'x' })).toBeUndefined();
  });
});

describe('tray menu', () => {
  it('with no jobs: show, a note, pause, settings, the log folder and diagnostics, quit, with separators', () => {
    expect(trayModel(input({})).menu).toEqual([
      { kind: 'action', action: 'show', label: 'Show Intake' },
      { kind: 'separator' },
      { kind: 'label', label: 'No jobs yet' },
      { kind: 'separator' },
      { kind: 'action', action: 'pause', label: 'Pause uploads' },
      { kind: 'action', action: 'settings', label: 'Settings…' },
      { kind: 'action', action: 'openLogs', label: 'Open log folder' },
      { kind: 'action', action: 'saveDiagnostics', label: 'Save diagnostics…' },
      { kind: 'separator' },
      { kind: 'action', action: 'quit', label: 'Quit Intake' },
    ]);
    expect(trayModel(input({ paused: true })).menu[4]).toEqual({ kind: 'action', action: 'resume', label: 'Resume uploads' });
    expect(trayModel(input({ jobs: [makeJob('queued')] })).menu.some((item) => item.kind === 'label')).toBe(false);
  });
});

describe('job labels', () => {
  it('names each stage', () => {
    const label = (job: Parameters<typeof jobLabel>[0]) => jobLabel(job, false);
    expect(label(makeJob('queued'))).toBe('1 file — waiting');
    expect(label(makeJob('uploading', { upload: null }))).toBe('1 file — uploading');
    expect(label(makeJob('uploading', { upload: { sentBytes: 0, totalBytes: 0, bytesPerSecond: 0, etaSeconds: null } }))).toBe('1 file — uploading');
    expect(label(makeJob('tracking', { server: null }))).toBe('1 file — processing');
    for (const stage of ['completed', 'failed', 'cancelled', 'rejected'] as const) expect(label(makeJob(stage))).toBe(`1 file — ${stage}`);
    const twoFiles = makeJob('queued');
    expect(label({ ...twoFiles, files: [...twoFiles.files, ...twoFiles.files] })).toBe('2 files — waiting');
  });

  it('a failure the server retries says retrying, with the attempt when known; a final one shows its phase', () => {
    const failed = (extra: object) => makeJob('tracking', { server: { ...initialServerJob('s'), status: 'failed', phase: 'failed', ...extra } });
    expect(jobLabel(failed({ willRetry: true, attempt: 2, maxAttempts: null }), false)).toBe('1 file — retrying');
    expect(jobLabel(failed({ willRetry: true, attempt: null, maxAttempts: 3 }), false)).toBe('1 file — retrying');
    expect(jobLabel(failed({ willRetry: false, attempt: 3, maxAttempts: 3 }), false)).not.toContain('retrying');
    expect(jobLabel(makeJob('tracking', { server: { ...initialServerJob('s'), status: 'processing', phase: 'ocr_started', willRetry: true } }), false)).toBe('1 file — OCR started');
  });
});
