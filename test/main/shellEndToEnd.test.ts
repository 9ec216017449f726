/**
 * The whole app minus Chromium: the real shell (bootstrap) over the fake
 * electron, the real core (UploadQueue + ConnectionManager from
 * coreFactory.ts) and the real reference server started as the demo server
 * on loopback. A file goes in through the preload bridge exactly as the
 * renderer would send it; the test watches the `jobs` deltas, the tray, the
 * notification and the results, then quits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock';
import { startReferenceServer } from '../../src/server/index';
import type { IntakeBridge } from '../../src/shared/ipc';
import { resolveDeltas } from '../../src/shared/jobDelta';
import type { QueueJob } from '../../src/shared/queueJob';
import { FakeNotification, FakeTray, fake, ipcEventFrom, resetFakeElectron } from '../support/fakeElectron';
import { bootShell } from './fixtures/bootShell';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

let userData: string;
const servers: Array<{ close(): Promise<void> }> = [];
beforeEach(() => {
  resetFakeElectron();
  vi.resetModules();
  userData = mkdtempSync(join(tmpdir(), 'intake-shell-e2e-'));
  fake.app.paths.userData = userData;
});
afterEach(async () => {
  // Normally closed by the app's quit; this covers a test that failed before it.
  await Promise.allSettled(servers.splice(0).map((server) => server.close()));
  rmSync(userData, { recursive: true, force: true });
});

function pdf(pages: number): string {
  const objects = Array.from({ length: pages }, (_, i) => `${i + 3} 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n`).join('');
  return `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Count ${pages} >>\nendobj\n${objects}%%EOF\n`;
}

/** The jobs as a page rebuilds them from main's deltas (whole jobs, then changed fields only), and each version seen. */
function pageMirror(intake: IntakeBridge): { get(id: string): QueueJob | undefined; versions: QueueJob[] } {
  const jobs = new Map<string, QueueJob>();
  const versions: QueueJob[] = [];
  intake.on('jobs', (deltas) => {
    for (const change of resolveDeltas(deltas, (id) => jobs.get(id))) {
      if (change.type === 'upsert') versions.push(change.job);
      if (change.type === 'upsert') jobs.set(change.job.id, change.job);
      else jobs.delete(change.id);
    }
  });
  return { get: (id) => jobs.get(id), versions };
}

describe('shell end to end (real core, reference server as the demo server)', () => {
  it('a file sent through the bridge is uploaded, followed through every phase, notified, and its results read', async () => {
    const boot = await bootShell({
      clock: systemClock,
      realCore: true,
      startDemoServer: async (options) => {
        const server = await startReferenceServer({ ...options, phaseMs: 40 });
        servers.push(server);
        return server;
      },
    });
    fake.rendererInvokeEvent = ipcEventFrom(boot.window());
    await import('../../src/preload/index');
    const intake = fake.exposed.get('intake') as IntakeBridge;

    const page = pageMirror(intake);

    const file = join(userData, 'scan.pdf');
    writeFileSync(file, pdf(3));
    // Dropped on the window: the preload reports the File's path to main, which reads nothing else.
    expect(intake.pathForFile({ path: file } as unknown as File)).toBe(file);
    const inspection = await intake.inspectFiles([file]);
    expect(inspection).toMatchObject({ ok: true, value: { accepted: [{ path: file, type: 'pdf' }], rejected: [] } });
    const enqueued = await intake.enqueue({ chartNumber: 'E2E-0001', files: [file] });
    if (!enqueued.ok) throw new Error(`enqueue refused: ${enqueued.error.message}`);
    const id = enqueued.value.id;

    const latest = (): QueueJob | undefined => page.get(id);
    await vi.waitFor(() => expect(latest()?.stage).toBe('completed'), { timeout: 45_000, interval: 50 });

    // Phases arrived in order, never backwards.
    const phases = page.versions
      .flatMap((job) => (job.id === id && job.server ? [job.server.phase] : []))
      .filter((phase, i, all) => phase !== all[i - 1]);
    const order = ['processing', 'ocr_started', 'ocr_completed', 'ai_started', 'ai_completed', 'saving_results', 'completed'];
    expect(phases.at(-1)).toBe('completed');
    expect(phases.map((p) => order.indexOf(p))).toEqual([...phases.map((p) => order.indexOf(p))].sort((a, b) => a - b));

    // One notification about the job (after the policy's 3 s window); the tray is back to idle.
    await vi.waitFor(() => expect(FakeNotification.instances.filter((n) => n.shown)).toHaveLength(1), { timeout: 15_000, interval: 50 });
    expect(FakeNotification.instances[0]!.options.title.toLowerCase()).toContain('complete');
    expect(JSON.stringify(FakeNotification.instances[0]!.options)).not.toContain('E2E-0001'); // chart numbers off by default
    await vi.waitFor(() => expect((FakeTray.instances[0]!.image as { path: string }).path).toMatch(/idle\.png$/), { timeout: 5_000 });
    expect(FakeTray.instances[0]!.tooltip).toBe('Intake — all done');
    const trayIcons = fake.calls.filter((c) => c.api === 'Tray' && c.method === 'setImage').map((c) => (c.args[0] as { path: string }).path);
    expect(trayIcons.some((p) => p.endsWith('working.png'))).toBe(true);

    // A click on the notification focuses the job in the window.
    boot.window().hide();
    FakeNotification.instances[0]!.click();
    expect(boot.window().visible).toBe(true);
    expect(boot.sent('focusJob')).toEqual([id]);

    const results = await intake.getResults(id);
    expect(results.ok).toBe(true);
    expect(JSON.stringify(results)).toContain('sha256');

    const snapshot = await intake.getSnapshot();
    expect(snapshot).toMatchObject({ ok: true, value: { demoServer: true, connection: { state: 'connected' } } });

    boot.tray().clickMenuItem('Quit Intake');
    await vi.waitFor(() => expect(fake.app.quitCount).toBe(1), { timeout: 15_000 });
    expect(boot.logger.lines.join('\n')).not.toContain('E2E-0001');
    expect(boot.logger.lines.join('\n')).not.toContain('scan.pdf');
  }, 90_000);

  it('switching to another server mid-job: the job ends saying why, and Retry completes it on the new server', async () => {
    const boot = await bootShell({
      clock: systemClock,
      realCore: true,
      startDemoServer: async (options) => {
        const server = await startReferenceServer({ ...options, phaseMs: 60_000 }); // the job stays in its first phase
        servers.push(server);
        return server;
      },
    });
    const real = await startReferenceServer({ port: 0, dataDir: join(userData, 'real-server'), phaseMs: 20, log: () => undefined });
    servers.push(real);
    fake.rendererInvokeEvent = ipcEventFrom(boot.window());
    await import('../../src/preload/index');
    const intake = fake.exposed.get('intake') as IntakeBridge;
    const page = pageMirror(intake);
    const latest = (id: string): QueueJob | undefined => page.get(id);

    const file = join(userData, 'scan.pdf');
    writeFileSync(file, pdf(1));
    intake.pathForFile({ path: file } as unknown as File);
    const enqueued = await intake.enqueue({ chartNumber: 'SWITCH-1', files: [file] });
    if (!enqueued.ok) throw new Error(`enqueue refused: ${enqueued.error.message}`);
    const id = enqueued.value.id;
    await vi.waitFor(() => expect(latest(id)?.stage).toBe('tracking'), { timeout: 30_000, interval: 50 });

    const switched = await intake.updateSettings({ serverUrl: real.url });
    expect(switched).toMatchObject({ ok: true, value: { serverUrl: real.url } });
    await vi.waitFor(() => expect(latest(id)).toMatchObject({ stage: 'failed', error: { code: 'server_changed' } }), { timeout: 10_000, interval: 20 });

    expect(await intake.retry(id)).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(latest(id)?.stage).toBe('completed'), { timeout: 30_000, interval: 50 });
    expect(real.jobs().map((job) => job.chartNumber)).toEqual(['SWITCH-1']);

    boot.tray().clickMenuItem('Quit Intake');
    await vi.waitFor(() => expect(fake.app.quitCount).toBe(1), { timeout: 15_000 });
  }, 90_000);
});
