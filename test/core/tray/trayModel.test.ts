import { describe, expect, it } from 'vitest';
import { jobLabel, openJobCount, RECENT_JOBS_IN_MENU, trayModel, type TrayInput } from '../../../src/core/tray/trayModel';
import type { ConnectionState } from '../../../src/shared/connectionState';
import { makeJob } from '../../main/fixtures/jobs';

const connected: ConnectionState = { state: 'connected', reason: 'test' };
const input = (overrides: Partial<TrayInput>): TrayInput => ({
  jobs: [],
  connection: connected,
  paused: false,
  seenUntil: 0,
  showChartNumbers: false,
  ...overrides,
});

describe('trayModel', () => {
  it('is idle and "all done" with no jobs', () => {
    const model = trayModel(input({}));
    expect(model.icon).toBe('idle');
    expect(model.tooltip).toBe('Intake — all done');
    expect(model.menu.find((i) => i.kind === 'label')?.label).toBe('No jobs yet');
  });

  it('counts uploading, processing and unseen failures in the tooltip', () => {
    const jobs = [makeJob('uploading'), makeJob('uploading'), makeJob('tracking'), makeJob('tracking'), makeJob('tracking'), makeJob('failed', { updatedAt: 50_000 })];
    const model = trayModel(input({ jobs, seenUntil: 10_000 }));
    expect(model.tooltip.split('\n')[0]).toBe('Intake — 2 uploading · 3 processing · 1 failed');
    expect(model.icon).toBe('error');
  });

  it('forgets failures the user has seen: icon back to idle, not stuck red', () => {
    const jobs = [makeJob('failed', { updatedAt: 5_000 }), makeJob('completed')];
    const model = trayModel(input({ jobs, seenUntil: 10_000 }));
    expect(model.icon).toBe('idle');
    expect(model.tooltip).toBe('Intake — all done');
  });

  it('never says idle or done while a job is open, whatever else happens', () => {
    for (const stage of ['queued', 'uploading', 'tracking'] as const) {
      for (const state of ['connecting', 'connected', 'reconnecting', 'polling', 'stopped'] as const) {
        const connection = { state, reason: 'r', nextTryAt: 0, attempt: 1 } as ConnectionState;
        for (const paused of [false, true]) {
          const model = trayModel(input({ jobs: [makeJob(stage), makeJob('completed')], connection, paused }));
          expect(model.icon, `${stage}/${state}/${paused}`).not.toBe('idle');
          expect(model.tooltip).not.toContain('all done');
        }
      }
    }
  });

  it('shows offline while the socket is down, error on auth failure', () => {
    const jobs = [makeJob('tracking')];
    expect(trayModel(input({ jobs, connection: { state: 'polling', reason: 'r', nextTryAt: 1, attempt: 2 } })).icon).toBe('offline');
    expect(trayModel(input({ jobs, connection: { state: 'polling', reason: 'r', nextTryAt: 1, attempt: 2 } })).tooltip).toContain('following jobs over HTTP');
    const auth = trayModel(input({ jobs, connection: { state: 'auth_failed', reason: 'r' } }));
    expect(auth.icon).toBe('error');
    expect(auth.tooltip).toContain('token');
    expect(trayModel(input({ jobs })).icon).toBe('working');
  });

  it('menu: show, the five most recent jobs, pause/resume, settings, quit', () => {
    const jobs = Array.from({ length: 8 }, (_, i) => makeJob('tracking', { createdAt: i }));
    const model = trayModel(input({ jobs }));
    const jobItems = model.menu.filter((i) => i.kind === 'job');
    expect(jobItems).toHaveLength(RECENT_JOBS_IN_MENU);
    expect(jobItems.map((i) => (i.kind === 'job' ? i.id : ''))).toEqual([7, 6, 5, 4, 3].map((n) => jobs[n]!.id));
    const actions = model.menu.flatMap((i) => (i.kind === 'action' ? [i.action] : []));
    expect(actions).toEqual(['show', 'pause', 'settings', 'openLogs', 'saveDiagnostics', 'quit']);
    const paused = trayModel(input({ jobs, paused: true }));
    expect(paused.menu.flatMap((i) => (i.kind === 'action' ? [i.action] : []))).toEqual(['show', 'resume', 'settings', 'openLogs', 'saveDiagnostics', 'quit']);
    expect(paused.tooltip).toContain('Uploads paused');
  });

  it('job labels show state, and chart numbers only when allowed', () => {
    const job = makeJob('uploading', { chartNumber: 'SECRET-42' });
    expect(jobLabel(job, false)).toBe('1 file — uploading 20%');
    expect(jobLabel(job, true)).toBe('SECRET-42 (1 file) — uploading 20%');
    // In steps of ten: the native menu is rebuilt only when a label changes.
    const nearly = { ...job, upload: { ...job.upload!, sentBytes: Math.floor(job.upload!.totalBytes * 0.999) } };
    expect(jobLabel(nearly, false)).toBe('1 file — uploading 90%');
    const model = trayModel(input({ jobs: [job] }));
    expect(JSON.stringify(model)).not.toContain('SECRET-42');
    const retrying = makeJob('tracking', {
      server: { jobId: 's', status: 'failed', phase: 'failed', message: '', timestamp: null, seq: 3, attempt: 2, maxAttempts: 3, willRetry: true, phaseSeenAt: {} },
    });
    expect(jobLabel(retrying, false)).toBe('1 file — retrying (attempt 2 of 3)');
    expect(jobLabel(makeJob('tracking'), false)).toBe('1 file — OCR started');
    // Held by the backend's quality check: the menu must not read as done or failed.
    expect(jobLabel(makeJob('blocked'), false)).toBe('1 file — blocked: needs a person');
  });

  it('counts open jobs for the badge', () => {
    expect(openJobCount([makeJob('queued'), makeJob('uploading'), makeJob('tracking'), makeJob('completed'), makeJob('failed'), makeJob('cancelled'), makeJob('rejected')])).toBe(3);
  });
});

describe('trayModel: updates', () => {
  it('offers "Restart to update to X" only while a downloaded update waits', () => {
    const base = { jobs: [], connection: { state: 'connected', reason: '' } as const, paused: false, seenUntil: 0, showChartNumbers: false };
    expect(trayModel(base).menu.some((item) => item.kind === 'action' && item.action === 'installUpdate')).toBe(false);
    expect(trayModel({ ...base, updateVersion: '0.2.0' }).menu).toContainEqual({ kind: 'action', action: 'installUpdate', label: 'Restart to update to 0.2.0' });
  });
});
