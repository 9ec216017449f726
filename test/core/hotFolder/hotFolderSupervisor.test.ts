/**
 * The desktop's hot-folder decisions: which settings mean "watch what", and
 * the supervisor that follows them (no restart for the same plan, notices
 * said once, logs without names or paths). A small in-memory queue stands in
 * for UploadQueue; the real one is in hotFolderWatcher.test.ts.
 */
import { toDisposable, type Disposable } from '../../../src/core/base/lifecycle';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hotFolderPlan, samePlan } from '../../../src/core/hotFolder/hotFolderPlan';
import { HotFolderSupervisor, REFUSED_NOTICE_WINDOW_MS, type HotFolderNotice } from '../../../src/core/hotFolder/HotFolderSupervisor';
import type { HotFolderQueue } from '../../../src/core/hotFolder/HotFolderWatcher';
import type { QueueJob } from '../../../src/shared/queueJob';
import { FakeClock } from '../../support/fakeClock';
import { makePdf, makeTempDir, type TempDir } from '../../support/files';
import { waitFor } from '../queue/waitFor';

const INTERVAL = 500;
const dirs: TempDir[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await dir.remove();
});

const settings = (folder: string | null, enabled: boolean, pattern: string | null = null) => ({
  hotFolder: { path: folder, enabled },
  chartNumberPattern: pattern,
});

describe('hotFolderPlan', () => {
  it.each([
    ['off', settings('/scans', false), { watch: false, problem: null }],
    ['on without a folder', settings(null, true), { watch: false, problem: null }],
    ['on (trailing slash dropped)', settings('/scans/', true), { watch: true, root: '/scans', pattern: null, problem: null }],
    ['on with a pattern', settings('/scans', true, '^(\\d+)_'), { watch: true, root: '/scans', pattern: '^(\\d+)_', problem: null }],
  ])('%s', (_name, input, plan) => {
    expect(hotFolderPlan(input)).toEqual(plan);
  });

  it('refuses a relative folder, and watches without a pattern that does not compile (saying why)', () => {
    expect(hotFolderPlan(settings('scans', true))).toEqual({ watch: false, problem: expect.stringContaining('full path') });
    const bad = hotFolderPlan(settings('/scans', true, '(unclosed'));
    expect(bad).toEqual({ watch: true, root: '/scans', pattern: null, problem: expect.stringContaining('not a valid regular expression') });
  });

  it('samePlan: same folder and pattern only', () => {
    const a = hotFolderPlan(settings('/scans', true, 'x'));
    expect(samePlan(a, hotFolderPlan(settings('/scans', true, 'x')))).toBe(true);
    expect(samePlan(a, hotFolderPlan(settings('/scans', true, 'y')))).toBe(false);
    expect(samePlan(a, hotFolderPlan(settings('/other', true, 'x')))).toBe(false);
    expect(samePlan(a, hotFolderPlan(settings('/scans', false, 'x')))).toBe(false);
    expect(samePlan(hotFolderPlan(settings(null, false)), hotFolderPlan(settings('/scans', false)))).toBe(true);
  });
});

/** Jobs kept in memory; the test ends them with finish(). */
class MemoryQueue implements HotFolderQueue {
  readonly jobs: QueueJob[] = [];
  private readonly listeners = new Set<(event: { type: string; job?: QueueJob }) => void>();
  async enqueue(input: Parameters<HotFolderQueue['enqueue']>[0]): Promise<QueueJob> {
    const paths = input.files.map((file) => (typeof file === 'string' ? file : file.path));
    const job: QueueJob = {
      id: `job-${this.jobs.length + 1}`,
      chartNumber: input.chartNumber,
      files: paths.map((file) => ({ path: file, name: path.basename(file), size: 1, type: 'pdf' })),
      stage: 'queued',
      idempotencyKey: 'k',
      jobId: null,
      createdAt: Date.now(),
      updatedAt: Date.now(),
      upload: null,
      uploadAttempts: 0,
      nextUploadAt: null,
      server: null,
      error: null,
    };
    this.jobs.push(job);
    this.emit({ type: 'queued', job });
    return job;
  }
  snapshot(): QueueJob[] {
    return [...this.jobs];
  }
  onEvent(listener: (event: { type: string; job?: QueueJob }) => void): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }
  finish(job: QueueJob, stage: 'completed' | 'failed'): void {
    const ended = { ...job, stage };
    this.jobs[this.jobs.indexOf(job)] = ended;
    this.emit({ type: 'done', job: ended });
  }
  private emit(event: { type: string; job?: QueueJob }): void {
    for (const listener of this.listeners) listener(event);
  }
}

async function supervised() {
  const dir = await makeTempDir('intake-hot-supervisor-');
  dirs.push(dir);
  const clock = new FakeClock();
  const queue = new MemoryQueue();
  const notices: HotFolderNotice[] = [];
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const supervisor = new HotFolderSupervisor({ queue, clock, logger, intervalMs: INTERVAL, onNotice: (n) => notices.push(n) });
  let checked = 0;
  supervisor.onEvent((event) => void (event.type === 'checked' && checked++));
  const checks = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const before = checked;
      clock.advance(INTERVAL);
      await waitFor(() => checked > before, 'one check');
    }
  };
  return { root: dir.path, clock, queue, notices, lines, supervisor, checks };
}

describe('HotFolderSupervisor', () => {
  it('applying the same settings again keeps the running watcher; a change restarts it; off stops it', async () => {
    const s = await supervised();
    await s.supervisor.apply(settings(s.root, true));
    await s.supervisor.apply(settings(s.root, true));
    expect(s.lines.filter((l) => l.startsWith('info Hot folder watched'))).toHaveLength(1);
    expect(s.supervisor.watching).toBe(s.root);
    await s.supervisor.apply(settings(s.root, true, '^(\\d+)_'));
    expect(s.lines.filter((l) => l.startsWith('info Hot folder watched'))).toHaveLength(2);
    await s.supervisor.apply(settings(s.root, false, '^(\\d+)_'));
    expect(s.supervisor.watching).toBeNull();
    expect(s.clock.pending).toBe(0);
    expect(s.lines.join('\n')).not.toContain(s.root);
  });

  it('after stop() (quit), later settings start nothing', async () => {
    const s = await supervised();
    await s.supervisor.apply(settings(s.root, true));
    await s.supervisor.dispose();
    await s.supervisor.apply(settings(s.root, true, 'x'));
    expect(s.supervisor.watching).toBeNull();
    expect(s.clock.pending).toBe(0);
  });

  it('a relative folder is a notice, once, and nothing is watched', async () => {
    const s = await supervised();
    await s.supervisor.apply(settings('scans', true));
    await s.supervisor.apply(settings('scans', true));
    expect(s.notices).toEqual([{ title: 'Hot folder', body: expect.stringContaining('full path') }]);
    expect(s.supervisor.watching).toBeNull();
  });

  it('files that cannot be moved give one notice per kind of problem; the log names no file', async () => {
    const s = await supervised();
    await writeFile(path.join(s.root, 'done'), 'a file where the done folder should be');
    await s.supervisor.apply(settings(s.root, true));
    await mkdir(path.join(s.root, 'F-1'));
    const first = path.join(s.root, 'F-1', 'first.pdf');
    const second = path.join(s.root, 'F-1', 'second.pdf');
    await writeFile(first, makePdf(1));
    await writeFile(second, makePdf(1));
    await s.checks(2);
    expect(s.queue.jobs).toHaveLength(2);
    for (const job of [...s.queue.jobs]) s.queue.finish(job, 'completed');
    await waitFor(() => s.lines.filter((l) => l.startsWith('warn Hot-folder file could not be moved')).length === 2, 'both moves to fail');
    expect(s.notices).toEqual([
      { title: 'Hot folder problem', body: "A file could not be moved into the hot folder's done folder (ENOTDIR). It stays where it is; check that Intake may write there." },
    ]);
    expect(existsSync(first) && existsSync(second)).toBe(true);
    expect(s.lines.join('\n')).not.toMatch(/first|second|F-1/);
    // Claimed until a restart: not queued again on the next checks.
    await s.checks(2);
    expect(s.queue.jobs).toHaveLength(2);
  });

  it('a done/ planted as a link to another folder: the notice says so, nothing lands there, the log names no file', async () => {
    const s = await supervised();
    const outside = await makeTempDir('intake-outside-');
    dirs.push(outside);
    await symlink(outside.path, path.join(s.root, 'done'), 'junction');
    await s.supervisor.apply(settings(s.root, true));
    const file = path.join(s.root, 'F-1', 'evil.desktop');
    await mkdir(path.dirname(file));
    await writeFile(file, makePdf(1));
    await s.checks(2);
    s.queue.finish(s.queue.jobs[0]!, 'completed');
    await waitFor(() => s.notices.length === 1, 'the notice');
    expect(s.notices).toEqual([{ title: 'Hot folder problem', body: expect.stringMatching(/done\/ folder is a link \(symlink or junction\).*never moves files through links/) }]);
    expect(await readdir(outside.path)).toEqual([]);
    expect(existsSync(file)).toBe(true);
    expect(s.lines.join('\n')).not.toMatch(/evil|F-1/);
  });

  it('a file removed by hand before its job ended is no problem to report', async () => {
    const s = await supervised();
    await s.supervisor.apply(settings(s.root, true));
    await mkdir(path.join(s.root, 'G-1'));
    const file = path.join(s.root, 'G-1', 'scan.pdf');
    await writeFile(file, makePdf(1));
    await s.checks(2);
    expect(s.queue.jobs).toHaveLength(1);
    await rm(file);
    s.queue.finish(s.queue.jobs[0]!, 'completed');
    await waitFor(() => s.lines.some((l) => l.startsWith('info Hot-folder file was gone when its job ended')), 'the job end to be handled');
    expect(s.notices).toEqual([]);
    expect(s.lines.some((l) => l.startsWith('warn'))).toBe(false);
    // A new scan put there under the same name is a new file: it is queued.
    await writeFile(file, makePdf(2));
    await s.checks(2);
    expect(s.queue.jobs).toHaveLength(2);
  });

  it('one refused file: the notice speaks of one file; the next one later gets a notice of its own', async () => {
    const s = await supervised();
    await s.supervisor.apply(settings(s.root, true));
    await writeFile(path.join(s.root, 'a.pdf'), makePdf(1));
    await s.checks(2);
    s.clock.advance(REFUSED_NOTICE_WINDOW_MS);
    const one = { title: 'Hot folder', body: 'A file from the hot folder could not be queued. It was moved to its failed folder, with a .error.txt beside it that says why.' };
    expect(s.notices).toEqual([one]);
    await writeFile(path.join(s.root, 'b.pdf'), makePdf(1));
    // The window's advance also started a check, which may still be running (its scan from before b.pdf
    // was written) and would count as one of two: three checks hold two that began after the write.
    await s.checks(3);
    expect(s.lines.filter((l) => l.startsWith('info Hot-folder file not queued'))).toHaveLength(2);
    s.clock.advance(REFUSED_NOTICE_WINDOW_MS);
    expect(s.notices).toEqual([one, one]);
  });

  it('a folder that is not there: one notice saying so and that Intake keeps checking; watching goes on', async () => {
    const s = await supervised();
    const missing = path.join(s.root, 'unplugged-share');
    await s.supervisor.apply(settings(missing, true));
    await s.checks(2);
    expect(s.notices).toEqual([
      { title: 'Hot folder unavailable', body: 'The hot folder does not exist (was it moved, or is the network drive disconnected?). Intake keeps checking and carries on once it is back.' },
    ]);
    expect(s.supervisor.watching).toBe(missing);
    expect(s.lines.join('\n')).not.toContain('unplugged-share');
  });

  it('a chart pattern that does not compile: told once, the folder is still watched, and a fixed pattern is used at once', async () => {
    const s = await supervised();
    await s.supervisor.apply(settings(s.root, true, '(unclosed'));
    const told = [{ title: 'Hot folder', body: expect.stringContaining('Hot-folder files outside a chart sub-folder go to failed/ until it is fixed.') }];
    expect(s.notices).toEqual(told);
    expect(s.lines).toContain('warn Hot folder setting cannot be used as it is {"watching":true}');
    await s.supervisor.apply(settings(s.root, true, '(unclosed'));
    expect(s.notices).toEqual(told);
    expect(s.supervisor.watching).toBe(s.root);
    await s.supervisor.apply(settings(s.root, true, '^(\\d+)_'));
    await writeFile(path.join(s.root, '4711_scan.pdf'), makePdf(1));
    await s.checks(2);
    expect(s.queue.jobs.map((job) => job.chartNumber)).toEqual(['4711']);
    expect(s.notices).toHaveLength(1);
  });

  it('the operator log tells each step of a run, without names or paths', async () => {
    const s = await supervised();
    const share = path.join(s.root, 'share');
    await s.supervisor.apply(settings(share, false));
    await s.supervisor.apply(settings(share, true, '^(\\d+)_'));
    await s.checks(1); // the share is not there yet
    await mkdir(path.join(share, 'H-1'), { recursive: true });
    await writeFile(path.join(share, 'H-1', 'scan.pdf'), makePdf(1));
    await writeFile(path.join(share, 'loose.pdf'), makePdf(1));
    await s.checks(2);
    s.queue.finish(s.queue.jobs[0]!, 'completed');
    await waitFor(() => s.lines.includes('debug Hot-folder file moved {"to":"done"}'), 'the move to done/');
    await s.supervisor.apply(settings(share, false));
    await s.supervisor.apply(settings(share, false));
    await s.supervisor.dispose();
    expect(s.lines).toEqual([
      'info Hot folder watched {"chartPattern":true}',
      'warn Hot folder unavailable {"reason":"ENOENT"}',
      'info Hot folder available again {}',
      'info Hot-folder file queued {"job":"job-1"}',
      'info Hot-folder file not queued; moved to failed/ {"cause":"chart"}',
      'debug Hot-folder file moved {"to":"failed"}',
      'debug Hot-folder file moved {"to":"done"}',
      'info Hot folder no longer watched {}',
    ]);
    // Quitting says nothing to the user.
    expect(s.notices.map((n) => n.title)).toEqual(['Hot folder unavailable']);
  });

  it('a listener that throws (even a bare `throw undefined`) is logged by the kind of error only; the others still hear every check', async () => {
    const s = await supervised();
    s.supervisor.onEvent(() => {
      throw new RangeError(`no room in ${s.root}`);
    });
    s.supervisor.onEvent(() => {
      throw undefined;
    });
    let heard = 0;
    s.supervisor.onEvent(() => heard++);
    await s.supervisor.apply(settings(s.root, true));
    await s.checks(2);
    const failures = s.lines.filter((l) => l.startsWith('error A hot-folder listener failed'));
    expect(heard).toBeGreaterThanOrEqual(2);
    expect(failures).toEqual(
      Array.from({ length: heard }, () => ['error A hot-folder listener failed {"error":"RangeError"}', 'error A hot-folder listener failed {}']).flat(),
    );
  });

  it('idle() resolves once the settings applied so far are in force', async () => {
    const s = await supervised();
    void s.supervisor.apply(settings(s.root, true));
    expect(s.supervisor.watching).toBeNull();
    await s.supervisor.idle();
    expect(s.supervisor.watching).toBe(s.root);
  });

  it('refused files within a few seconds give one notice', async () => {
    const s = await supervised();
    await s.supervisor.apply(settings(s.root, true));
    await writeFile(path.join(s.root, 'a.pdf'), makePdf(1));
    await s.checks(1);
    await writeFile(path.join(s.root, 'b.pdf'), makePdf(1));
    await s.checks(2);
    expect(s.notices).toEqual([]);
    s.clock.advance(REFUSED_NOTICE_WINDOW_MS);
    expect(s.notices).toEqual([
      { title: 'Hot folder', body: '2 files from the hot folder could not be queued. They were moved to its failed folder, with a .error.txt beside each that says why.' },
    ]);
    expect(existsSync(path.join(s.root, 'failed', 'a.pdf.error.txt'))).toBe(true);
  });
});
