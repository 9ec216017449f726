/**
 * Someone who may write into a shared scan folder plants links in it. Each test
 * performs one such attack against the real watcher, mover, queue and
 * reference server: nothing may be written outside the folder, nothing sent
 * that was not in it, and the user is told what happened.
 */
import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, readdir, rename, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { moveToDone, moveToFailed, UNSAFE_PATH } from '../../../src/core/hotFolder/handledFileMover';
import { HotFolderScanner } from '../../../src/core/hotFolder/HotFolderScanner';
import { makePdf, makeTempDir } from '../../support/files';
import { waitFor } from '../queue/waitFor';
import { cleanUp, drop, rig, run } from './watcherRig';

afterEach(cleanUp);

/** A folder outside the hot folder the user may write to (an autostart folder, say), and a private document in it. */
async function outsideFolder(): Promise<{ dir: string; secret: string }> {
  const temp = await makeTempDir('intake-outside-');
  onTestFinished(() => temp.remove());
  const secret = await temp.file('private.pdf', makePdf(3, 0));
  return { dir: temp.path, secret };
}

/** The folder as a sorted list of relative paths (links shown as such, never followed). */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    out.push(path.relative(dir, path.join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

describe('the mover never follows a link', () => {
  it('a failed/ that is a link to another folder: the file stays, nothing is written there', async () => {
    const r = await rig();
    const outside = await outsideFolder();
    await symlink(outside.dir, path.join(r.root, 'failed'), 'junction');
    const file = await drop(r.root, 'C-1/evil.desktop', '[Desktop Entry]\nExec=evil\n');
    const refusal = moveToFailed(r.root, file, 'No chart number.');
    await expect(refusal).rejects.toMatchObject({ code: UNSAFE_PATH, message: expect.stringContaining('is a link') });
    expect(await listing(outside.dir)).toEqual(['private.pdf']);
    expect(existsSync(file)).toBe(true);
  });

  it('a done/<chart> that is a link: refused, whether the link leads outside or nowhere', async () => {
    const r = await rig();
    const outside = await outsideFolder();
    await mkdir(path.join(r.root, 'done'));
    await symlink(outside.dir, path.join(r.root, 'done', 'C-1'), 'junction');
    await symlink(path.join(outside.dir, 'not-yet'), path.join(r.root, 'done', 'C-2'), 'junction');
    const first = await drop(r.root, 'C-1/evil.desktop', 'x');
    const second = await drop(r.root, 'C-2/evil.desktop', 'x');
    await expect(moveToDone(r.root, first)).rejects.toMatchObject({ code: UNSAFE_PATH });
    await expect(moveToDone(r.root, second)).rejects.toMatchObject({ code: UNSAFE_PATH });
    expect(await listing(outside.dir)).toEqual(['private.pdf']);
    expect(existsSync(first) && existsSync(second)).toBe(true);
  });

  it('a dangling <name>.error.txt link: the reason goes into a new file beside it, never through the link', async () => {
    const r = await rig();
    const outside = await outsideFolder();
    const aimedAt = path.join(outside.dir, 'autostart.desktop');
    await mkdir(path.join(r.root, 'failed'));
    await symlink(aimedAt, path.join(r.root, 'failed', 'scan.pdf.error.txt'));
    const file = await drop(r.root, 'scan.pdf', 'x');
    const target = await moveToFailed(r.root, file, 'Reason naming [Desktop Entry] chosen by a file name.');
    expect(target).toBe(path.join(r.root, 'failed', 'scan-2.pdf'));
    expect(await readFile(`${target}.error.txt`, 'utf8')).toContain('Reason naming');
    expect(existsSync(aimedAt)).toBe(false);
    expect((await lstat(path.join(r.root, 'failed', 'scan.pdf.error.txt'))).isSymbolicLink()).toBe(true);
  });
});

describe('the watcher sends only files that are in the folder', () => {
  it('a chart sub-folder that is a link to another folder is never scanned', async () => {
    const r = await rig();
    const outside = await outsideFolder();
    await symlink(outside.dir, path.join(r.root, 'C-1'), 'junction');
    await symlink(outside.secret, path.join(r.root, 'C-2.pdf'));
    const scanner = new HotFolderScanner(r.root);
    expect(await scanner.scan()).toEqual([]);
    expect(await scanner.scan()).toEqual([]);
    // And through the whole watcher: nothing queued, nothing sent, nothing moved out of the outside folder.
    const app = await run(r, /^(C-\d+)/);
    await app.check();
    await app.check();
    expect(app.queue.snapshot()).toEqual([]);
    expect(r.server.stats.uploadsAccepted).toBe(0);
    expect(await listing(outside.dir)).toEqual(['private.pdf']);
  });

  it('a file swapped for a link after it was found is refused, moved to failed/ as the link, with the reason', async () => {
    const r = await rig();
    const outside = await outsideFolder();
    const file = await drop(r.root, 'C-1/scan.pdf');
    // Between the check that found the file stable and the queue opening it.
    const app = await run(r, null, (queue) => ({
      enqueue: async (input) => {
        await unlink(file);
        await symlink(outside.secret, file);
        return queue.enqueue(input);
      },
      snapshot: () => queue.snapshot(),
      onEvent: (listener) => queue.onEvent(listener),
    }));
    await app.check();
    await app.check();
    await waitFor(() => app.events.some((e) => e.type === 'moved'), 'the swapped file to be moved');
    expect(app.events).toContainEqual(expect.objectContaining({ type: 'refused', cause: 'queue' }));
    const moved = path.join(r.root, 'failed', 'C-1', 'scan.pdf');
    expect((await lstat(moved)).isSymbolicLink()).toBe(true);
    expect(await readFile(`${moved}.error.txt`, 'utf8')).toContain('was replaced (by a link or another file) after it was found');
    expect(r.server.stats.uploadsAccepted).toBe(0);
    expect(await listing(outside.dir)).toEqual(['private.pdf']);
  });

  it('a file swapped for a link after it was queued is not sent: the job fails saying so', async () => {
    const r = await rig();
    const outside = await outsideFolder();
    const file = await drop(r.root, 'C-1/scan.pdf', makePdf(3, 0));
    const app = await run(r);
    app.queue.pauseAll();
    await app.check();
    await app.check();
    await waitFor(() => app.queue.snapshot().length === 1, 'the file to be queued');
    // Same size, a real document: only its identity tells it is not the file that was checked.
    await rename(file, `${file}.moved-away`);
    await symlink(outside.secret, file);
    app.queue.resumeAll();
    await waitFor(() => app.events.some((e) => e.type === 'moved'), 'the job to end and the file to be moved');
    expect(app.queue.snapshot()).toEqual([
      expect.objectContaining({ stage: 'failed', error: expect.objectContaining({ code: 'file_changed', message: expect.stringContaining('was replaced') }) }),
    ]);
    expect(r.server.stats.uploadsAccepted).toBe(0);
    expect(r.server.jobs()).toEqual([]);
    expect(app.events).toContainEqual(expect.objectContaining({ type: 'moved', to: 'failed' }));
    expect(await listing(outside.dir)).toEqual(['private.pdf']);
  });
});
