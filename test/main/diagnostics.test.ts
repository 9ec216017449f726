/**
 * Tray and Settings → Open log folder and Save diagnostics… over the fake
 * electron: the file is written where main's save dialog said, with versions
 * and statistics and no token, chart number or file name.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openFileLogger } from '../../src/core/logging/fileLogger';
import { fake, FakeNotification, resetFakeElectron } from '../support/fakeElectron';
import { bootShell } from './fixtures/bootShell';
import { makeJob } from './fixtures/jobs';
import { waitUntil } from '../core/connection/waitUntil';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

let dir: string;
beforeEach(() => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'intake-diagnostics-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'tok-Zq81-VERY-SECRET-token';

describe('logs and diagnostics', () => {
  it('Save diagnostics… from the tray and over IPC: versions, statistics, log lines; no token, chart number or file name', async () => {
    const logFile = join(dir, 'logs', 'main.log');
    openFileLogger({ file: logFile }).info('connected', { attempt: 1 });
    const boot = await bootShell({ settings: { serverUrl: 'https://ai.example.org/api' }, logFile });
    await boot.invoke('setToken', [TOKEN]);
    const jobs = [makeJob('tracking', { chartNumber: 'CH-77001' }), makeJob('failed', { chartNumber: 'CH-77002' })];
    for (const job of jobs) boot.core.queue.put(job);

    const target = join(dir, 'diagnostics.txt');
    fake.saveDialogResult = { canceled: false, filePath: target };
    boot.tray().clickMenuItem('Save diagnostics…');
    await waitUntil(() => {
      try {
        return statSync(target).size > 0;
      } catch {
        return false;
      }
    }, 'the diagnostics file');
    const text = readFileSync(target, 'utf8');
    expect(text).toContain('"intake": "0.1.0"');
    expect(text).toContain('"serverUrl": "https://ai.example.org/api"');
    expect(text).toMatch(/"jobs": 2,\s+"byStage": \{\s+"failed": 1,\s+"tracking": 1/);
    expect(text).toContain('info connected {"attempt":1}');
    for (const secret of [TOKEN, 'CH-77001', 'CH-77002', ...jobs.flatMap((job) => job.files.map((f) => f.name))]) expect(text, secret).not.toContain(secret);
    if (process.platform !== 'win32') expect(statSync(target).mode & 0o777).toBe(0o600);
    const dialog = fake.calls.find((c) => c.api === 'dialog' && c.method === 'showSaveDialog');
    expect(dialog?.args.at(-1)).toMatchObject({ defaultPath: expect.stringMatching(/^\/home\/nurse\/Downloads\/intake-diagnostics-\d{4}-\d\d-\d\d\.txt$/) });

    // Over IPC: the page names no path; cancelling writes nothing and answers false.
    fake.saveDialogResult = { canceled: true, filePath: '' };
    expect(await boot.invoke('saveDiagnostics', [undefined])).toEqual({ ok: true, value: false });
    fake.saveDialogResult = { canceled: false, filePath: join(dir, 'no-such-folder', 'd.txt') };
    expect(await boot.invoke('saveDiagnostics', [undefined])).toEqual({ ok: false, error: { code: 'unavailable', message: 'The diagnostics file could not be saved (ENOENT).' } });
  });

  it('Open log folder opens the folder of the log file; from the tray too', async () => {
    const logFile = join(dir, 'logs', 'main.log');
    const boot = await bootShell({ logFile });
    expect(await boot.invoke('openLogFolder', [undefined])).toEqual({ ok: true, value: undefined });
    boot.tray().clickMenuItem('Open log folder');
    await waitUntil(() => fake.calls.filter((c) => c.api === 'shell' && c.method === 'openPath').length === 2, 'two openPath calls');
    expect(fake.calls.filter((c) => c.api === 'shell' && c.method === 'openPath').map((c) => c.args[0])).toEqual([join(dir, 'logs'), join(dir, 'logs')]);
  });

  it('without a log file: the IPC call says so, and the tray tells it as a notification', async () => {
    const boot = await bootShell();
    expect(await boot.invoke('openLogFolder', [undefined])).toEqual({ ok: false, error: { code: 'unavailable', message: 'Intake is not writing a log file in this session.' } });
    boot.tray().clickMenuItem('Open log folder');
    await waitUntil(() => FakeNotification.instances.some((n) => n.options.body === 'Intake is not writing a log file in this session.'), 'the notification');
  });
});
