/**
 * The hot folder in the shell, over the fake electron and the fake core: the
 * settings start, restart and stop the watcher, a folder that cannot be read
 * is shown to the user and logged without paths, and quitting stops the
 * watcher before the queue closes. (The watcher itself is tested against the
 * real queue and server in test/core/hotFolder.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PinnedPath } from '../../src/core/files/fileIdentity';
import { DEFAULT_HOT_FOLDER_INTERVAL_MS } from '../../src/core/hotFolder/HotFolderSupervisor';
import { FakeNotification, fake, resetFakeElectron } from '../support/fakeElectron';
import { bootShell } from './fixtures/bootShell';
import { fakeCore } from './fixtures/fakeCore';
import { makeJob } from './fixtures/jobs';
import type { IntakeEngine } from '../../src/core/engine/IntakeEngine';

/** These suites boot the engine in main's process: its hot-folder supervisor is there to watch. */
const inProcess = (app: { running: { engine: unknown } }) => app.running.engine as IntakeEngine;

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

let dir: string;
beforeEach(() => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'intake-main-hot-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const PDF = '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n';

function drop(rel: string): string {
  const file = join(dir, rel);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, PDF);
  return file;
}

/** The fake core, with every enqueue recorded and kept as a job of those files (as the real queue saves it). */
function recordingCore() {
  const core = fakeCore();
  const enqueued: Array<{ chartNumber: string; files: Array<string | PinnedPath> }> = [];
  core.queue.enqueue = async (input) => {
    enqueued.push(input);
    // The hot folder pins its files ({ path, identity }); QueuePort still declares paths only.
    const paths = (input.files as Array<string | PinnedPath>).map((file) => (typeof file === 'string' ? file : file.path));
    const files = paths.map((path) => ({ path, name: basename(path), size: PDF.length, type: 'pdf' }));
    return core.queue.put(makeJob('queued', { chartNumber: input.chartNumber, files }));
  };
  return { core, enqueued };
}

async function boot(settings?: Record<string, unknown>) {
  const { core, enqueued } = recordingCore();
  const shell = await bootShell({ core, ...(settings ? { settings } : {}) });
  const update = async (patch: Record<string, unknown>) => {
    const reply = (await shell.invoke('updateSettings', [patch])) as { ok: boolean };
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    await inProcess(shell).hotFolder!.idle();
  };
  /** The user picks `folder` in main's folder dialog. */
  const choose = async (folder: string) => {
    fake.dialogResult = { canceled: false, filePaths: [folder] };
    const reply = (await shell.invoke('pickHotFolder', [undefined])) as { ok: boolean };
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    await inProcess(shell).hotFolder!.idle();
  };
  let checked = 0;
  inProcess(shell).hotFolder!.onEvent((event) => {
    if (event.type === 'checked') checked++;
  });
  /**
   * Lets the watcher check until `predicate` holds: one interval of fake time, then the (real I/O) check
   * runs to its end before time moves again, so fake time never races ahead of a check.
   */
  const checkUntil = async (predicate: () => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!predicate()) {
      const before = checked;
      shell.clock.advance(DEFAULT_HOT_FOLDER_INTERVAL_MS);
      while (checked === before && !predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  };
  /** Runs `count` more checks, each one finished (its 'checked' event seen). */
  const checks = async (count: number) => {
    const target = checked + count;
    await checkUntil(() => checked >= target, `${count} more checks`);
  };
  return { ...shell, enqueued, update, choose, checkUntil, checks };
}

const noticeTitles = () => FakeNotification.instances.map((n) => n.options.title);

describe('hot folder location (chosen in main, never typed by the page)', () => {
  const refusedPlaces = [
    ['the home folder', '/home/nurse'],
    ['Desktop', '/home/nurse/Desktop'],
    ['Documents', '/home/nurse/Documents'],
    ['Downloads', '/home/nurse/Downloads'],
    ['a folder holding the home folder', '/home'],
    ['a drive root', '/'],
    ["Intake's own data", '/nonexistent-user-data/demo-server'],
  ];
  it.each(refusedPlaces)('%s is refused with the reason; nothing is watched or scanned', async (_label, folder) => {
    const app = await boot();
    fake.dialogResult = { canceled: false, filePaths: [folder] };
    const reply = (await app.invoke('pickHotFolder', [undefined])) as { ok: boolean; error: { code: string; message: string } };
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/cannot be the hot folder/) } });
    await inProcess(app).hotFolder!.idle();
    expect(inProcess(app).hotFolder!.watching).toBeNull();
    expect(await app.invoke('getSettings', [undefined])).toMatchObject({ ok: true, value: { hotFolder: { path: null, enabled: false } } });
  });

  it('the page cannot name a folder through updateSettings; it can turn a chosen one off and on', async () => {
    const app = await boot();
    const typed = (await app.invoke('updateSettings', [{ hotFolder: { path: '/home/nurse', enabled: true } }])) as { ok: boolean; error: { message: string } };
    expect(typed).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('Choose folder') } });
    expect(inProcess(app).hotFolder!.watching).toBeNull();
    await app.choose(dir);
    await app.update({ hotFolder: { path: dir, enabled: false } });
    expect(inProcess(app).hotFolder!.watching).toBeNull();
  });

  it('a folder that already holds files asks once in main’s dialog; declining changes nothing', async () => {
    for (const name of ['A-1/one.pdf', 'two.pdf']) drop(name);
    const app = await boot();
    fake.messageBoxResponse = 0;
    fake.dialogResult = { canceled: false, filePaths: [dir] };
    expect(await app.invoke('pickHotFolder', [undefined])).toMatchObject({ ok: false, error: { message: 'Nothing was changed: the hot folder was not set.' } });
    const question = fake.calls.filter((c) => c.api === 'dialog' && c.method === 'showMessageBox').at(-1)!.args.at(-1);
    expect(question).toMatchObject({ message: '2 files are already in this folder: upload them?', buttons: ['Cancel', 'Upload them'] });
    expect(inProcess(app).hotFolder!.watching).toBeNull();
    fake.messageBoxResponse = 1;
    await app.choose(dir);
    await app.checkUntil(() => app.enqueued.length === 1, 'the file already there to be queued');
  });

  it('a refused folder saved by hand in the settings file is not watched, and the user is told', async () => {
    const app = await boot({ hotFolder: { path: '/home/nurse/Documents', enabled: true } });
    expect(inProcess(app).hotFolder!.watching).toBeNull();
    expect(FakeNotification.instances.map((n) => n.options.body)).toContainEqual(expect.stringContaining('The hot folder is not watched.'));
  });
});

describe('hot folder in the shell', () => {
  it('turning the setting on starts the watcher; turning it off stops it', async () => {
    const app = await boot();
    expect(inProcess(app).hotFolder!.watching).toBeNull();

    await app.choose(dir);
    expect(inProcess(app).hotFolder!.watching).toBe(dir);
    drop('A-1/scan.pdf');
    await app.checkUntil(() => app.enqueued.length === 1, 'the dropped file to be queued');
    // Pinned to the file the watcher found (device + inode): the queue sends that file or none.
    expect(app.enqueued).toEqual([{ chartNumber: 'A-1', files: [{ path: join(dir, 'A-1', 'scan.pdf'), identity: { dev: expect.any(Number), ino: expect.any(Number) } }] }]);

    await app.update({ hotFolder: { path: dir, enabled: false } });
    expect(inProcess(app).hotFolder!.watching).toBeNull();
    drop('B-2/scan.pdf');
    expect(app.enqueued).toHaveLength(1);

    // On again: picks up what was dropped meanwhile, and not the file it already queued.
    await app.update({ hotFolder: { path: dir, enabled: true } });
    expect(inProcess(app).hotFolder!.watching).toBe(dir);
    await app.checkUntil(() => app.enqueued.length === 2, 'the file dropped while off to be queued');
    await app.checks(3);
    expect(app.enqueued.map((e) => e.chartNumber)).toEqual(['A-1', 'B-2']);
  });

  it('a changed chart pattern or folder restarts the watcher with the new one', async () => {
    const app = await boot();
    await app.update({ chartNumberPattern: '^(\\d+)_' });
    await app.choose(dir);
    drop('4711_scan.pdf');
    await app.checkUntil(() => app.enqueued.length === 1, 'a file named by the pattern to be queued');
    expect(app.enqueued[0]?.chartNumber).toBe('4711');

    await app.update({ chartNumberPattern: '^chart-(\\d+)' });
    drop('chart-99.pdf');
    await app.checkUntil(() => app.enqueued.length === 2, 'a file named by the new pattern to be queued');
    expect(app.enqueued[1]?.chartNumber).toBe('99');

    const other = join(dir, 'other');
    mkdirSync(other);
    await app.choose(other);
    expect(inProcess(app).hotFolder!.watching).toBe(other);
  });

  it('starts at launch when the saved settings have it on', async () => {
    const app = await boot({ hotFolder: { path: dir, enabled: true } });
    await inProcess(app).hotFolder!.idle();
    expect(inProcess(app).hotFolder!.watching).toBe(dir);
    drop('C-3/scan.pdf');
    await app.checkUntil(() => app.enqueued.length === 1, 'the file to be queued');
  });

  it('a folder that does not exist is shown to the user once and logged without its path', async () => {
    const missing = join(dir, 'not-there');
    const app = await boot();
    await app.choose(missing);
    await app.checkUntil(() => noticeTitles().includes('Hot folder unavailable'), 'the folder problem to be shown');
    await app.checks(3);
    expect(noticeTitles().filter((t) => t === 'Hot folder unavailable')).toHaveLength(1);
    const notice = FakeNotification.instances.find((n) => n.options.title === 'Hot folder unavailable')!;
    expect(notice.options.body).toContain('does not exist');
    expect(app.logger.lines.some((line) => line.startsWith('warn Hot folder unavailable'))).toBe(true);
    expect(app.logger.lines.join('\n')).not.toContain(dir);
  });

  it('files with no chart number give one notice for the lot, and no file name in the log', async () => {
    const app = await boot();
    await app.choose(dir);
    drop('loose-one.pdf');
    drop('loose-two.pdf');
    await app.checkUntil(() => noticeTitles().includes('Hot folder'), 'the refused files to be announced');
    expect(FakeNotification.instances.filter((n) => n.options.title === 'Hot folder').map((n) => n.options.body)).toEqual([
      expect.stringContaining('2 files from the hot folder could not be queued'),
    ]);
    expect(app.logger.lines.join('\n')).not.toMatch(/loose-|\.pdf/);
    expect(app.enqueued).toHaveLength(0);
  });

  it('quitting stops the watcher before the queue closes', async () => {
    const app = await boot({ hotFolder: { path: dir, enabled: true } });
    await inProcess(app).hotFolder!.idle();
    expect(inProcess(app).hotFolder!.watching).toBe(dir);
    let watchingAtClose: string | null | undefined;
    const close = app.core.queue.dispose.bind(app.core.queue);
    app.core.queue.dispose = () => {
      watchingAtClose = inProcess(app).hotFolder!.watching;
      return close();
    };
    app.tray().clickMenuItem('Quit Intake');
    await vi.waitFor(() => expect(fake.app.quitCount).toBe(1), { timeout: 10_000 });
    expect(watchingAtClose).toBeNull();
    expect(inProcess(app).hotFolder!.watching).toBeNull();
  });
});
