/**
 * The running shell over the fake electron and a fake core: tray, badge,
 * notifications, close-to-tray, quit, second launches, resume/online.
 */
import { DEFAULT_WINDOW_MS } from '../../src/core/notifications/notificationPolicy';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TRAY_REFRESH_MS } from '../../src/main/shell/IntakeShell';
import { SHUTDOWN_LIMIT_MS } from '../../src/main/bootstrap';
import { FakeNotification, fake, preventable, resetFakeElectron } from '../support/fakeElectron';
import { bootShell, type FakeCore } from './fixtures/bootShell';
import { fakeCore } from './fixtures/fakeCore';
import { makeJob } from './fixtures/jobs';
import { FIRST_SCREEN_JOBS } from '../../src/shared/firstScreen';
import type { QueueSnapshot } from '../../src/shared/ipc';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

const dirs: string[] = [];
beforeEach(() => resetFakeElectron());
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));
const iconOf = (image: unknown) => (image as { path: string }).path.split(/[/\\]/).pop();

describe('tray', () => {
  it('follows the queue: idle → working → error (unseen failure) → idle once seen', async () => {
    const boot = await bootShell();
    const { core, clock, tray } = boot;
    expect(iconOf(tray().image)).toBe('idle.png');
    expect(tray().tooltip).toBe('Intake — all done');

    const a = core.queue.put(makeJob('uploading'));
    core.queue.put(makeJob('tracking'));
    clock.advance(TRAY_REFRESH_MS);
    expect(iconOf(tray().image)).toBe('working.png');
    expect(tray().tooltip).toBe('Intake — 1 uploading · 1 processing');

    clock.advance(1_000);
    core.queue.update(a.id, { stage: 'failed', updatedAt: clock.now() + 1 });
    clock.advance(TRAY_REFRESH_MS);
    expect(iconOf(tray().image)).toBe('error.png');
    expect(tray().tooltip).toContain('1 failed');

    clock.advance(1_000);
    boot.window().focus(); // the user looks at the window
    clock.advance(TRAY_REFRESH_MS);
    expect(iconOf(tray().image)).toBe('working.png');
  });

  it('shows offline while the connection is down, even with jobs open', async () => {
    const { core, clock, tray } = await bootShell();
    core.queue.put(makeJob('tracking'));
    core.connection.set({ state: 'reconnecting', reason: 'socket closed', nextTryAt: clock.now() + 2_000, attempt: 3 });
    clock.advance(TRAY_REFRESH_MS);
    expect(iconOf(tray().image)).toBe('offline.png');
    expect(tray().tooltip).toContain('Offline');
  });

  it('coalesces a burst of changes into one tray update', async () => {
    const { core, clock } = await bootShell();
    const before = fake.calls.filter((c) => c.api === 'Tray' && c.method === 'setToolTip').length;
    for (let i = 0; i < 50; i++) core.queue.put(makeJob('uploading'));
    clock.advance(TRAY_REFRESH_MS);
    expect(fake.calls.filter((c) => c.api === 'Tray' && c.method === 'setToolTip').length).toBe(before + 1);
  });

  it('menu: pause/resume, a job entry focuses it, settings opens settings', async () => {
    const boot = await bootShell();
    const { core, clock, tray, sent } = boot;
    const job = core.queue.put(makeJob('tracking'));
    clock.advance(TRAY_REFRESH_MS);
    tray().clickMenuItem('Pause uploads');
    expect(core.queue.paused).toBe(true);
    expect(sent('paused')).toEqual([true]);
    clock.advance(TRAY_REFRESH_MS);
    tray().clickMenuItem('Resume uploads');
    expect(core.queue.paused).toBe(false);

    boot.window().hide();
    const label = tray().menu!.items.find((i) => i.label?.includes('OCR started'))!.label!;
    tray().clickMenuItem(label);
    expect(boot.window().visible).toBe(true);
    expect(sent('focusJob')).toEqual([job.id]);

    tray().clickMenuItem('Settings…');
    expect(sent('openSettings')).toEqual([null]);
  });

  it('sets the badge to the number of open jobs', async () => {
    const { core, clock } = await bootShell();
    expect(fake.app.badgeCount).toBe(0);
    const a = core.queue.put(makeJob('queued'));
    core.queue.put(makeJob('tracking'));
    core.queue.put(makeJob('completed'));
    clock.advance(TRAY_REFRESH_MS);
    expect(fake.app.badgeCount).toBe(2);
    core.queue.update(a.id, { stage: 'cancelled' });
    clock.advance(TRAY_REFRESH_MS);
    expect(fake.app.badgeCount).toBe(1);
  });
});

describe('window close and quit', () => {
  it('close hides to the tray (with a one-time hint); the app keeps running', async () => {
    const boot = await bootShell();
    boot.window().close();
    expect(boot.window().destroyed).toBe(false);
    expect(boot.window().visible).toBe(false);
    expect(fake.app.quitCount).toBe(0);
    await nextTick();
    expect(FakeNotification.instances).toHaveLength(1);
    expect(FakeNotification.instances[0]!.options.title).toBe('Intake is still running');
    boot.window().show();
    boot.window().close();
    await nextTick();
    expect(FakeNotification.instances).toHaveLength(1);
    // No window left is not a reason to quit either.
    fake.app.emit('window-all-closed', preventable());
    expect(fake.app.quitCount).toBe(0);
  });

  it('a core that never finishes closing does not stop Quit: it quits after the limit', async () => {
    const core = fakeCore();
    core.queue.dispose = () => new Promise<void>(() => undefined);
    const boot = await bootShell({ core });
    boot.tray().clickMenuItem('Quit Intake');
    await nextTick();
    expect(fake.app.quitCount).toBe(0);
    boot.clock.advance(SHUTDOWN_LIMIT_MS);
    await vi.waitFor(() => expect(fake.app.quitCount).toBe(1), { timeout: 10_000 });
    expect(boot.logger.lines.some((l) => l.includes('quitting anyway'))).toBe(true);
  });

  it('Quit from the tray really quits, after closing the core and the demo server', async () => {
    const boot = await bootShell();
    boot.tray().clickMenuItem('Quit Intake');
    await vi.waitFor(() => expect(fake.app.quitCount).toBe(1), { timeout: 10_000 });
    expect(boot.core.queue.closed).toBe(true);
    expect(boot.core.connection.stopped).toBe(true);
    expect(boot.demo.closes).toBe(1);
    // Once quitting, close really closes.
    boot.window().close();
    expect(boot.window().destroyed).toBe(true);
  });

  it('flushes pending job changes to the renderer before quitting', async () => {
    const boot = await bootShell();
    boot.core.queue.put(makeJob('queued', { id: 'last-one' }));
    boot.tray().clickMenuItem('Quit Intake');
    await vi.waitFor(() => expect(fake.app.quitCount).toBe(1), { timeout: 10_000 });
    const jobs = boot.sent('jobs').flat() as Array<{ type: string; job?: { id: string } }>;
    expect(jobs.some((c) => c.job?.id === 'last-one')).toBe(true);
  });
});

describe('notifications', () => {
  /** Two jobs end inside one coalescing window: the engine's policy decides one summary. */
  const finishTwoJobs = (boot: Awaited<ReturnType<typeof bootShell<FakeCore>>>) => {
    for (const id of ['j-1', 'j-2']) boot.core.queue.emitEvent({ type: 'done', job: makeJob('completed', { id }) });
    boot.clock.advance(DEFAULT_WINDOW_MS);
  };

  it('shows the policy decisions off the hot path and keeps them until clicked', async () => {
    const boot = await bootShell();
    finishTwoJobs(boot);
    expect(FakeNotification.instances).toHaveLength(1);
    expect(FakeNotification.instances[0]!.shown).toBe(false); // deferred
    await nextTick();
    expect(FakeNotification.instances[0]!.shown).toBe(true);
    expect(FakeNotification.instances[0]!.options).toMatchObject({ title: '2 jobs finished', body: expect.stringContaining('2 completed') });
    expect(FakeNotification.instances[0]!.listenerCount('click')).toBe(1);
  });

  it('a click shows the window and focuses the job', async () => {
    const boot = await bootShell();
    boot.window().hide();
    finishTwoJobs(boot);
    await nextTick();
    FakeNotification.instances[0]!.click();
    expect(boot.window().visible).toBe(true);
    expect(boot.sent('focusJob')).toEqual(['j-1']);
  });

  it('nothing is shown when notifications are off', async () => {
    const boot = await bootShell({ settings: { notifications: false } });
    finishTwoJobs(boot);
    await nextTick();
    expect(FakeNotification.instances).toHaveLength(0);
  });

  it('a crashed renderer is reloaded (a few times at most), a clean exit is not', async () => {
    const boot = await bootShell();
    const loads = () => fake.calls.filter((c) => c.api === 'BrowserWindow' && c.method === 'loadURL').length;
    const before = loads();
    boot.window().webContents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(loads()).toBe(before);
    for (let i = 0; i < 5; i++) boot.window().webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(loads()).toBe(before + 3);
    expect(boot.logger.lines.filter((l) => l.includes('lost its renderer'))).toHaveLength(6);
  });

  it('a decision arriving before the window loaded still focuses after load', async () => {
    const boot = await bootShell();
    boot.window().webContents.emit('did-start-loading');
    boot.running.shell.focusJob('j-9');
    expect(boot.sent('focusJob')).toEqual([]);
    boot.window().webContents.emit('did-finish-load');
    expect(boot.sent('focusJob')).toEqual(['j-9']);
  });
});

describe('launches and OS events', () => {
  it('a second launch with files focuses the window and sends openFiles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-second-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'scan 1.pdf'), '%PDF-1.4');
    writeFileSync(join(dir, 'scan2.png'), 'x');
    const boot = await bootShell();
    boot.window().hide();
    fake.app.emit('second-instance', preventable(), ['/usr/bin/intake', '--flag', 'scan 1.pdf', join(dir, 'scan2.png'), 'nope.pdf'], dir, {});
    expect(boot.window().visible).toBe(true);
    expect(boot.sent('openFiles')).toEqual([[join(dir, 'scan 1.pdf'), join(dir, 'scan2.png')]]);
    // Without files it only focuses.
    boot.window().hide();
    fake.app.emit('second-instance', preventable(), ['/usr/bin/intake'], dir, {});
    expect(boot.window().visible).toBe(true);
    expect(boot.sent('openFiles')).toHaveLength(1);
  });

  it('macOS open-file does the same', async () => {
    const boot = await bootShell();
    const event = preventable();
    fake.app.emit('open-file', event, '/Users/x/scan.pdf');
    expect(event.defaultPrevented).toBe(true);
    expect(boot.sent('openFiles')).toEqual([['/Users/x/scan.pdf']]);
  });

  it('files dropped on the tray icon (macOS) do the same', async () => {
    const boot = await bootShell();
    boot.window().hide();
    boot.tray().emit('drop-files', preventable(), ['/Users/x/scan.pdf', '/Users/x/more']);
    expect(boot.window().visible).toBe(true);
    expect(boot.sent('openFiles')).toEqual([['/Users/x/scan.pdf', '/Users/x/more']]);
  });

  it('files on the first launch command line open the add dialog', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-first-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'a.pdf'), '%PDF-1.4');
    const boot = await bootShell({ argv: ['/usr/bin/intake', join(dir, 'a.pdf')] });
    expect(boot.sent('openFiles')).toEqual([[join(dir, 'a.pdf')]]);
  });

  it('resume from sleep and network coming back nudge the connection', async () => {
    const { core, clock } = await bootShell();
    fake.powerMonitor.emit('resume');
    expect(core.connection.nudges).toBe(1);
    fake.online = false;
    clock.advance(3_000);
    expect(core.connection.nudges).toBe(1);
    fake.online = true;
    clock.advance(3_000);
    expect(core.connection.nudges).toBe(2);
    clock.advance(30_000); // staying online does not nudge again
    expect(core.connection.nudges).toBe(2);
  });

  it('connection changes reach the renderer', async () => {
    const boot = await bootShell();
    boot.core.connection.set({ state: 'polling', reason: 'socket down', nextTryAt: 5, attempt: 1 });
    expect(boot.sent('connection')).toEqual([{ state: 'polling', reason: 'socket down', nextTryAt: 5, attempt: 1 }]);
  });

  it('state changes made while the page is still loading reach it (its snapshot may already be answered)', async () => {
    const boot = await bootShell();
    boot.window().webContents.emit('did-start-loading');
    boot.core.connection.set({ state: 'connected', reason: 'socket up' });
    boot.core.queue.put(makeJob('completed', { id: 'loading-1' }));
    boot.clock.advance(16);
    expect(boot.sent('connection')).toEqual([{ state: 'connected', reason: 'socket up' }]);
    expect((boot.sent('jobs').flat() as Array<{ job?: { id: string } }>).map((c) => c.job?.id)).toEqual(['loading-1']);
  });

  it('a job reaches the renderer whole once, then as its changed fields; a snapshot request first sends what is batched', async () => {
    const boot = await bootShell();
    const first = boot.core.queue.put(makeJob('queued', { id: 'd1' }));
    boot.clock.advance(16);
    boot.core.queue.put({ ...first, stage: 'uploading' });
    expect(boot.sent('jobs')).toEqual([[{ type: 'upsert', job: first }]]);
    expect(await boot.invoke('getSnapshot', [])).toMatchObject({ ok: true });
    // Sent before the snapshot was answered, without waiting for the next frame.
    expect(boot.sent('jobs')[1]).toEqual([{ type: 'patch', id: 'd1', fields: [{ path: ['stage'], value: 'uploading' }] }]);
  });

  it('the first-screen snapshot holds the newest jobs and counts the older finished ones; batched changes leave first', async () => {
    const boot = await bootShell();
    const jobs = Array.from({ length: FIRST_SCREEN_JOBS + 10 }, (_, i) => boot.core.queue.put(makeJob(i % 2 ? 'completed' : 'failed', { id: `h${i}`, createdAt: 1_000 + i })));
    expect(boot.sent('jobs')).toHaveLength(0);
    const answer = await boot.invoke('getSnapshot', [{ firstScreen: true }]);
    expect(boot.sent('jobs')).toHaveLength(1);
    const value = (answer as { value: QueueSnapshot }).value;
    expect(value.jobs.map((job) => job.id)).toEqual(jobs.slice(10).reverse().map((job) => job.id));
    expect(value.rest).toEqual({ stages: { completed: 5, failed: 5 }, newest: { id: 'h9', createdAt: 1_009 } });
    expect(await boot.invoke('getSnapshot', [undefined])).toMatchObject({ ok: true, value: { jobs: { length: FIRST_SCREEN_JOBS + 10 } } });
  });

  it('queue changes reach the renderer batched, at most one message per 16 ms', async () => {
    const boot = await bootShell();
    for (let i = 0; i < 30; i++) boot.core.queue.put(makeJob('queued', { id: `b${i}` }));
    expect(boot.sent('jobs')).toHaveLength(0);
    boot.clock.advance(16);
    expect(boot.sent('jobs')).toHaveLength(1);
    expect((boot.sent('jobs')[0] as unknown[]).length).toBe(30);
  });
});

describe('files handed over before the shell was ready', () => {
  it('open-file and second launches during startup are collected, then opened once the shell runs', async () => {
    const { EarlyLaunches } = await import('../../src/main/earlyLaunches');
    const dir = mkdtempSync(join(tmpdir(), 'intake-early-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'b.pdf'), '%PDF-1.4');
    const early = new EarlyLaunches(fake.app as never, ['/usr/bin/intake']);
    const event = preventable();
    fake.app.emit('open-file', event, '/Users/x/a.pdf');
    expect(event.defaultPrevented).toBe(true);
    fake.app.emit('second-instance', preventable(), ['/usr/bin/intake', 'b.pdf', '--x'], dir, {});
    const boot = await bootShell({ earlyFiles: early.take() });
    expect(boot.sent('openFiles')).toEqual([['/Users/x/a.pdf', join(dir, 'b.pdf')]]);
    // After the hand-over the collector listens no more (the shell's own handlers do).
    expect(fake.app.listenerCount('open-file')).toBe(1);
    expect(fake.app.listenerCount('second-instance')).toBe(1);
  });
});

describe('smoke-test call log (INTAKE_TEST_CALL_LOG)', () => {
  it('records tray renders and shown notifications, without names or chart numbers', async () => {
    const entries: Array<Record<string, unknown>> = [];
    const boot = await bootShell({ callLog: (kind, detail) => entries.push({ kind, ...detail }) });
    boot.core.queue.put(makeJob('tracking', { chartNumber: 'SECRET-1' }));
    boot.clock.advance(TRAY_REFRESH_MS);
    boot.core.queue.emitEvent({ type: 'done', job: makeJob('completed', { id: 'x', chartNumber: 'SECRET-1' }) });
    boot.clock.advance(DEFAULT_WINDOW_MS);
    expect(entries.filter((e) => e.kind === 'tray').map((e) => e.icon)).toEqual(['idle', 'working']);
    expect(entries.filter((e) => e.kind === 'notification')).toEqual([{ kind: 'notification', type: 'completed', jobs: 1 }]);
    expect(JSON.stringify(entries)).not.toContain('SECRET');
  });

  it('is written as JSON lines, and only by an unpackaged app', async () => {
    const { openCallLog } = await import('../../src/main/callLog');
    const dir = mkdtempSync(join(tmpdir(), 'intake-calllog-'));
    dirs.push(dir);
    const file = join(dir, 'calls.jsonl');
    expect(openCallLog(file, true)).toBeNull();
    expect(openCallLog(undefined, false)).toBeNull();
    const log = openCallLog(file, false)!;
    log('tray', { icon: 'idle' });
    log('notification', { type: 'completed' });
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toMatchObject([{ kind: 'tray', icon: 'idle' }, { kind: 'notification', type: 'completed' }]);
    expect(typeof lines[0]!.at).toBe('number');
  });
});
