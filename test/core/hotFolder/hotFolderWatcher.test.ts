/**
 * HotFolderWatcher against the real reference server: the real UploadQueue and
 * ConnectionManager (system time, real sockets) over a file store in a temp
 * state folder, and the watcher's checks driven by a fake clock, so every
 * check is one the test asked for.
 */
import { existsSync } from 'node:fs';
import { appendFile, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makePdf, makeTempDir } from '../../support/files';
import { recordingLogger } from '../../support/recordingLogger';
import { waitFor } from '../queue/waitFor';
import { cleanUp, drop, INTERVAL, rig, run } from './watcherRig';

afterEach(cleanUp);

describe('HotFolderWatcher (real queue, reference server)', () => {
  it('uploads a file dropped in a chart-named sub-folder once and moves it to done/', async () => {
    const r = await rig();
    const app = await run(r);
    const file = await drop(r.root, 'A-17/scan.pdf');
    await app.check(); // first sight
    expect(r.server.jobs()).toHaveLength(0);
    await app.check(); // unchanged since: ready
    const done = path.join(r.root, 'done', 'A-17', 'scan.pdf');
    // The event, not the file: the rename lands a moment before the watcher reports it.
    await waitFor(() => app.events.some((e) => e.type === 'moved'), 'the file to be moved to done/');
    expect(existsSync(done)).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(r.server.jobs().map((j) => j.chartNumber)).toEqual(['A-17']);
    expect(app.queue.snapshot()).toEqual([expect.objectContaining({ chartNumber: 'A-17', stage: 'completed' })]);
    expect(app.events).toContainEqual(expect.objectContaining({ type: 'moved', to: 'done', target: done }));
    await app.check();
    await app.check();
    expect(r.server.jobs()).toHaveLength(1);
    expect(app.watcher.moved).toEqual({ done: 1, failed: 0 });
  });

  it('moves a file with no derivable chart number to failed/ with the reason beside it, and uploads nothing', async () => {
    const r = await rig();
    const app = await run(r, /^(\d+)_/);
    await drop(r.root, 'loose.pdf');
    await drop(r.root, 'bad name!/scan.pdf');
    await app.check();
    await app.check();
    const reason = await readFile(path.join(r.root, 'failed', 'loose.pdf.error.txt'), 'utf8');
    expect(reason).toMatch(/^No chart number for this file: the file name does not match the --chart-from pattern \^\(\\d\+\)_\.\n$/);
    const nested = await readFile(path.join(r.root, 'failed', 'bad name!', 'scan.pdf.error.txt'), 'utf8');
    expect(nested).toContain('the sub-folder name "bad name!" is not a chart number');
    expect(existsSync(path.join(r.root, 'failed', 'loose.pdf'))).toBe(true);
    expect(app.events.filter((e) => e.type === 'refused').map((e) => e.type === 'refused' && e.cause)).toEqual(['chart', 'chart']);
    expect(r.server.jobs()).toHaveLength(0);
    expect(app.queue.snapshot()).toHaveLength(0);
  });

  it('a file the queue refuses (not a document) goes to failed/ with the queue\'s reason', async () => {
    const r = await rig();
    const app = await run(r);
    await drop(r.root, 'B-2/notes.txt', 'plain text is not a document\n');
    await app.check();
    await app.check();
    const reason = await readFile(path.join(r.root, 'failed', 'B-2', 'notes.txt.error.txt'), 'utf8');
    // The queue's first line, then one line per refused file (named once).
    expect(reason).toBe(
      'Nothing was queued: 1 of the dropped items cannot be sent.\nnotes.txt: Type not accepted: the content is not a PDF, TIFF, PNG or JPEG (checked by the first bytes, not the name).\n',
    );
    expect(app.events).toContainEqual(expect.objectContaining({ type: 'refused', cause: 'queue' }));
    expect(r.server.jobs()).toHaveLength(0);
  });

  it('a job the server fails for good: its file goes to failed/ with the server\'s reason beside it; the other file of that check to done/', async () => {
    const r = await rig({ maxAttempts: 1, failPlan: ({ chartNumber }) => (chartNumber === 'BAD-1' ? 99 : 0) });
    const app = await run(r);
    await drop(r.root, 'BAD-1/scan.pdf');
    await drop(r.root, 'GOOD-1/scan.pdf');
    await app.check();
    await app.check();
    await waitFor(() => app.events.filter((e) => e.type === 'moved').length === 2, 'both files to be moved');
    const failed = path.join(r.root, 'failed', 'BAD-1', 'scan.pdf');
    const job = app.queue.snapshot().find((j) => j.chartNumber === 'BAD-1');
    expect(job?.stage).toBe('failed');
    const reason = await readFile(`${failed}.error.txt`, 'utf8');
    expect(reason).toBe(`${job?.error?.message ?? job?.server?.message}\n`);
    expect(reason.trim()).not.toBe('');
    expect(app.events).toContainEqual({ type: 'moved', file: path.join(r.root, 'BAD-1', 'scan.pdf'), to: 'failed', target: failed, id: job?.id });
    expect(existsSync(path.join(r.root, 'done', 'GOOD-1', 'scan.pdf'))).toBe(true);
    expect(app.watcher.moved).toEqual({ done: 1, failed: 1 });
  });

  it('a queue that is closing refuses a file: it stays where it is (nothing in failed/) and is sent by the next run', async () => {
    const r = await rig();
    const closing = await run(r, null, (queue) => ({
      enqueue: () => Promise.reject(Object.assign(new Error('The queue is closing.'), { code: 'closed' })),
      snapshot: () => queue.snapshot(),
      onEvent: (listener) => queue.onEvent(listener),
    }));
    const file = await drop(r.root, 'L-1/scan.pdf');
    await closing.check();
    await closing.check();
    expect(existsSync(file)).toBe(true);
    expect(existsSync(path.join(r.root, 'failed'))).toBe(false);
    expect(closing.events.some((e) => e.type === 'refused')).toBe(false);
    await closing.stop();
    const next = await run(r);
    await next.check();
    await next.check();
    await waitFor(() => existsSync(path.join(r.root, 'done', 'L-1', 'scan.pdf')), 'the file to be sent by the next run');
    expect(r.server.jobs()).toHaveLength(1);
  });

  it('a file of the folder that the user also added by hand is sent once: the watcher leaves it to that job', async () => {
    const r = await rig({ phaseMs: 200 });
    const app = await run(r);
    const file = await drop(r.root, 'M-1/scan.pdf');
    await app.check(); // first sight
    await app.queue.enqueue({ chartNumber: 'M-1', files: [file] }); // dragged into the window meanwhile
    await app.check();
    await app.check();
    await waitFor(() => existsSync(path.join(r.root, 'done', 'M-1', 'scan.pdf')), 'the job to end and its file to be moved');
    expect(r.server.jobs()).toHaveLength(1);
    expect(app.events.some((e) => e.type === 'queued')).toBe(false);
  });

  it('after a restart, a new file under the name of a finished job\'s file (already moved) is uploaded, not taken for a leftover', async () => {
    const r = await rig();
    const first = await run(r);
    await drop(r.root, 'N-1/scan.pdf', makePdf(1, 0));
    await first.check();
    await first.check();
    await waitFor(() => existsSync(path.join(r.root, 'done', 'N-1', 'scan.pdf')), 'the first file to be done');
    await first.stop();
    await drop(r.root, 'N-1/scan.pdf', makePdf(1, 0)); // a new scan, same name and size, while Intake was closed

    const second = await run(r);
    expect(second.events.some((e) => e.type === 'moved')).toBe(false);
    await second.check();
    await second.check();
    await waitFor(() => existsSync(path.join(r.root, 'done', 'N-1', 'scan-2.pdf')), 'the new file to be sent and done');
    expect(r.server.jobs()).toHaveLength(2);
  });

  it('a file from outside the folder added by hand is the user\'s own: when its job ends nothing is moved', async () => {
    const r = await rig();
    const app = await run(r);
    const outside = await makeTempDir('intake-elsewhere-');
    try {
      const file = path.join(outside.path, 'scan.pdf');
      await writeFile(file, makePdf(1, 0));
      await app.queue.enqueue({ chartNumber: 'O-1', files: [file] });
      await waitFor(() => app.queue.snapshot()[0]?.stage === 'completed', 'the job to complete');
      await app.check();
      expect(existsSync(file)).toBe(true);
      expect(app.events.filter((e) => e.type === 'moved' || e.type === 'move_failed')).toEqual([]);
    } finally {
      await outside.remove();
    }
  });

  it('does not pick up a growing file until two checks see it unchanged, then sends it whole', async () => {
    const r = await rig();
    const app = await run(r);
    const file = await drop(r.root, 'C-3/growing.pdf', makePdf(1, 0));
    await app.check();
    for (let i = 0; i < 3; i++) {
      await appendFile(file, 'x'.repeat(4096));
      await app.check();
      expect(app.queue.snapshot()).toHaveLength(0);
    }
    const fullSize = (await stat(file)).size;
    await app.check();
    expect(app.queue.snapshot()).toEqual([expect.objectContaining({ chartNumber: 'C-3', files: [expect.objectContaining({ size: fullSize })] })]);
    await waitFor(() => existsSync(path.join(r.root, 'done', 'C-3', 'growing.pdf')), 'the grown file to be done');
    expect(r.server.jobs()).toHaveLength(1);
  });

  it('after a restart, a file whose job is still open is not uploaded again and is moved when its job ends', async () => {
    const r = await rig({ phaseMs: 300 });
    const first = await run(r);
    const file = await drop(r.root, 'K-1/scan.pdf');
    await first.check();
    await first.check();
    await waitFor(() => first.queue.snapshot()[0]?.jobId != null, 'the upload to be accepted');
    await first.stop(); // quit while the server is still processing
    expect(existsSync(file)).toBe(true);

    const second = await run(r);
    await second.check();
    await second.check();
    await second.check();
    await waitFor(() => existsSync(path.join(r.root, 'done', 'K-1', 'scan.pdf')), 'the file to be done after the restart');
    expect(r.server.jobs()).toHaveLength(1);
    expect(second.events.some((e) => e.type === 'queued')).toBe(false);
  });

  it('after a restart, the very file of a finished job is only moved; a new file under that name is uploaded', async () => {
    const r = await rig();
    const first = await run(r);
    const file = await drop(r.root, 'K-2/scan.pdf', makePdf(1, 0));
    await first.check();
    await first.check();
    const done = path.join(r.root, 'done', 'K-2', 'scan.pdf');
    await waitFor(() => existsSync(done), 'the first file to be done');
    await first.stop();
    // As a kill between "completed" and the move leaves it: the sent file is back in place.
    await rename(done, file);

    const second = await run(r);
    expect(existsSync(done)).toBe(true); // moved by start(), before any check
    expect(second.events).toContainEqual(expect.objectContaining({ type: 'moved', to: 'done', target: done }));
    await second.check();
    await second.check();
    expect(r.server.jobs()).toHaveLength(1);

    await drop(r.root, 'K-2/scan.pdf', makePdf(2, 0)); // a new scan, same name
    await second.check();
    await second.check();
    await waitFor(() => existsSync(path.join(r.root, 'done', 'K-2', 'scan-2.pdf')), 'the new file to be done');
    expect(r.server.jobs()).toHaveLength(2);
  });

  it('says once that the folder is gone, keeps checking, and says when it is back', async () => {
    const r = await rig();
    await rm(r.root, { recursive: true });
    const app = await run(r);
    await app.check();
    await app.check();
    const outages = app.events.filter((e) => e.type === 'unavailable');
    expect(outages).toEqual([{ type: 'unavailable', code: 'ENOENT', message: expect.stringContaining('does not exist') }]);
    expect(JSON.stringify(outages)).not.toContain(r.root);
    await drop(r.root, 'D-4/scan.pdf');
    await app.check();
    expect(app.events.filter((e) => e.type === 'available')).toHaveLength(1);
    await app.check();
    await waitFor(() => existsSync(path.join(r.root, 'done', 'D-4', 'scan.pdf')), 'the file to be done once the folder is back');
  });

  it('a listener that throws (even a bare `throw undefined`) is logged by the kind of error only; the listeners after it still hear every event and checks go on', async () => {
    const r = await rig();
    const log = recordingLogger();
    const app = await run(r, null, undefined, log.logger);
    app.watcher.onEvent(() => {
      throw new TypeError(`cannot read ${r.root}`);
    });
    app.watcher.onEvent(() => {
      throw undefined;
    });
    const heard: string[] = [];
    app.watcher.onEvent((event) => heard.push(event.type));
    await drop(r.root, 'F-6/scan.pdf');
    await app.check();
    await app.check();
    await waitFor(() => existsSync(path.join(r.root, 'done', 'F-6', 'scan.pdf')), 'the file to be done');
    expect(heard).toEqual(app.events.slice(app.events.length - heard.length).map((e) => e.type));
    expect(heard.filter((type) => type === 'checked').length).toBeGreaterThanOrEqual(2);
    const failed = (error: string | undefined) => ({ level: 'error', message: 'A hot-folder listener failed', fields: { error } });
    expect(log.lines.filter((l) => l.level === 'error')).toEqual(heard.flatMap(() => [failed('TypeError'), failed(undefined)]));
  });

  it('stop() leaves no timer behind and no check runs after it', async () => {
    const r = await rig();
    const app = await run(r);
    await app.check();
    await app.watcher.dispose();
    expect(app.clock.pending).toBe(0);
    await drop(r.root, 'E-5/scan.pdf');
    app.clock.advance(INTERVAL * 5);
    expect(app.events.filter((e) => e.type === 'checked')).toHaveLength(1);
    expect(app.queue.snapshot()).toHaveLength(0);
  });
});
