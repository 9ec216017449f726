// `intake watch`: a hot folder, end to end against the reference server.
import { appendFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCli, waitUntil } from './cliProcess';
import { pdfBytes, writePdf } from './documents';
import { startTestServer } from './testServer';

let dir: string;
let root: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-cli-watch-'));
  root = path.join(dir, 'in');
  await mkdir(root);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exists = (file: string) => stat(file).then(() => true, () => false);
const ofEvent = (events: Array<Record<string, unknown>>, name: string) => events.filter((e) => e.event === name);

describe('intake watch', () => {
  it('uploads each dropped file once, waits for a growing file, moves files to done/ and failed/ with reasons', async () => {
    const server = await startTestServer();
    const interval = 400;
    const run = startCli(['watch', root, '--server', server.url, '--chart-from', '^(\\d+)_', '--interval-ms', String(interval), '--json']);
    await run.waitFor((r) => ofEvent(r.events(), 'info').length > 0, 'the watcher to start');

    await mkdir(path.join(root, 'A-1'));
    await writePdf(path.join(root, 'A-1', 'one.pdf'));
    await writePdf(path.join(root, '4711_scan.pdf'));
    await writePdf(path.join(root, 'loose.pdf'));
    await mkdir(path.join(root, 'A-3'));
    await writeFile(path.join(root, 'A-3', 'notes.txt'), 'plain text is not a document\n');

    // A scanner writing a file in chunks, much faster than the check interval: it must be sent whole.
    await mkdir(path.join(root, 'A-2'));
    const growing = path.join(root, 'A-2', 'growing.pdf');
    const chunk = pdfBytes(1, 16 * 1024);
    await writeFile(growing, chunk);
    for (let i = 0; i < 12; i++) {
      await new Promise((resolve) => setTimeout(resolve, interval / 8));
      await appendFile(growing, chunk);
    }
    const fullSize = (await stat(growing)).size;

    const done = (rel: string) => path.join(root, 'done', rel);
    const failed = (rel: string) => path.join(root, 'failed', rel);
    await waitUntil(
      async () =>
        (await exists(done('A-1/one.pdf'))) &&
        (await exists(done('4711_scan.pdf'))) &&
        (await exists(done('A-2/growing.pdf'))) &&
        (await exists(failed('loose.pdf.error.txt'))) &&
        (await exists(failed('A-3/notes.txt.error.txt'))),
      'every file to be moved',
      60_000,
      () => run.stdout() + run.stderr(),
    );
    expect(await exists(path.join(root, 'A-1', 'one.pdf'))).toBe(false);
    expect(await readFile(failed('loose.pdf.error.txt'), 'utf8')).toMatch(/^No chart number for this file: .*--chart-from pattern/);
    expect(await exists(failed('loose.pdf'))).toBe(true);
    expect(await readFile(failed('A-3/notes.txt.error.txt'), 'utf8')).toMatch(/type not accepted/i);

    const growingQueued = ofEvent(run.events(), 'queued').find((e) => e.chartNumber === 'A-2');
    expect(growingQueued?.files).toEqual([expect.objectContaining({ name: 'growing.pdf', size: fullSize })]);

    // A later drop proves the watcher kept scanning; by then a re-upload of anything earlier would show.
    await mkdir(path.join(root, 'B-9'));
    await writePdf(path.join(root, 'B-9', 'late.pdf'));
    await waitUntil(() => exists(done('B-9/late.pdf')), 'the late file to be done');

    const charts = server.jobs().map((j) => j.chartNumber).sort();
    expect(charts).toEqual(['4711', 'A-1', 'A-2', 'B-9']);
    const outcomes = ofEvent(run.events(), 'done').map((e) => e.outcome);
    expect(outcomes.filter((o) => o === 'completed')).toHaveLength(4);
    expect(outcomes.filter((o) => o === 'rejected')).toHaveLength(2);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
  });

  it('with --state-dir, a restarted watcher does not upload a file it already queued', async () => {
    const server = await startTestServer({ phaseMs: 400 });
    const stateDir = path.join(dir, 'state');
    const args = ['watch', root, '--server', server.url, '--interval-ms', '200', '--state-dir', stateDir, '--json'];
    const first = startCli(args);
    await first.waitFor((r) => ofEvent(r.events(), 'info').length > 0, 'the watcher to start');
    await mkdir(path.join(root, 'K-1'));
    await writePdf(path.join(root, 'K-1', 'scan.pdf'));
    await first.waitFor((r) => ofEvent(r.events(), 'uploaded').length === 1, 'the upload to be accepted');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await exists(path.join(root, 'K-1', 'scan.pdf'))).toBe(true); // still processing at the kill

    const second = startCli(args);
    await waitUntil(() => exists(path.join(root, 'done', 'K-1', 'scan.pdf')), 'the file to be done after the restart', 60_000, () => second.stdout() + second.stderr());
    expect(server.jobs()).toHaveLength(1);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(130);
  });

  it('after a restart, a file dropped again under an old name is uploaded; the very file of a finished job is only moved', async () => {
    const server = await startTestServer();
    const stateDir = path.join(dir, 'state');
    const args = ['watch', root, '--server', server.url, '--interval-ms', '200', '--state-dir', stateDir, '--json'];
    const scan = path.join(root, 'K-1', 'scan.pdf');
    const doneFile = (name: string) => path.join(root, 'done', 'K-1', name);
    const session = async (work: () => Promise<void>) => {
      const run = startCli(args);
      await run.waitFor((r) => ofEvent(r.events(), 'info').length > 0, 'the watcher to start');
      await work();
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
    };

    await mkdir(path.join(root, 'K-1'));
    await writePdf(scan, 1);
    await session(() => waitUntil(() => exists(doneFile('scan.pdf')), 'the first file to be done'));
    expect(server.jobs()).toHaveLength(1);

    // A new scan under the same name, dropped while no watcher ran: it is news, so it is sent.
    await writePdf(scan, 2);
    await session(() => waitUntil(() => exists(doneFile('scan-2.pdf')), 'the new file to be done'));
    expect(server.jobs()).toHaveLength(2);

    // The first run's own file back in place, as a kill between "completed" and the move leaves it:
    // it is moved to done/ without a third upload.
    await rename(doneFile('scan.pdf'), scan);
    await session(async () => {
      await waitUntil(() => exists(doneFile('scan.pdf')), 'the leftover to be moved');
      await writePdf(path.join(root, 'K-1', 'sentinel.pdf'));
      await waitUntil(() => exists(doneFile('sentinel.pdf')), 'a later drop to be done');
    });
    expect(server.jobs()).toHaveLength(3);
  });

  it('stops by itself (exit 1) when the server refuses the token, leaving the file where it was', async () => {
    const server = await startTestServer({ token: 'the-right-one' });
    await mkdir(path.join(root, 'Z-1'));
    const file = await writePdf(path.join(root, 'Z-1', 'scan.pdf'));
    const run = startCli(['watch', root, '--server', server.url, '--interval-ms', '100', '--token', 'a-wrong-one']);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain('the server refused the token');
    expect(run.stdout() + run.stderr()).not.toContain('a-wrong-one');
    expect(await exists(file)).toBe(true);
    expect(server.jobs()).toHaveLength(0);
  });

  it('a failed/ planted as a link out of the folder: nothing is written there, the file stays, the terminal says why', async () => {
    const server = await startTestServer();
    const outside = path.join(dir, 'autostart');
    await mkdir(outside);
    await symlink(outside, path.join(root, 'failed'), 'junction');
    await writeFile(path.join(root, 'evil.desktop'), '[Desktop Entry]\nExec=evil\n');
    const run = startCli(['watch', root, '--server', server.url, '--interval-ms', '100']);
    await run.waitFor((r) => r.stderr().includes('is a link (symlink or junction)'), 'the refusal to move through the link');
    run.child.kill('SIGINT');
    await run.exited;
    expect(run.stderr()).toContain("could not move evil.desktop to failed/: A folder on the way into the hot folder's failed/ folder is a link");
    expect(await readdir(outside)).toEqual([]);
    expect(await exists(path.join(root, 'evil.desktop'))).toBe(true);
    expect(server.jobs()).toHaveLength(0);
  });

  it('warns once when the watched folder goes away, and carries on when it is back', async () => {
    const server = await startTestServer();
    const run = startCli(['watch', root, '--server', server.url, '--interval-ms', '100', '--json']);
    await run.waitFor((r) => ofEvent(r.events(), 'info').length > 0, 'the watcher to start');
    await rm(root, { recursive: true });
    await run.waitFor((r) => r.stderr().includes('warning: The hot folder does not exist'), 'the warning');
    await mkdir(path.join(root, 'R-1'), { recursive: true });
    await writePdf(path.join(root, 'R-1', 'scan.pdf'));
    await waitUntil(() => exists(path.join(root, 'done', 'R-1', 'scan.pdf')), 'the file to be done once the folder is back', 60_000, () => run.stdout() + run.stderr());
    expect(run.stderr().match(/The hot folder does not exist/g)).toHaveLength(1);
    expect(ofEvent(run.events(), 'info').map((e) => e.message)).toContain('The watched folder is back; checking again.');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
  });

  it('a folder that does not exist is a usage error', async () => {
    const run = startCli(['watch', path.join(dir, 'missing'), '--server', 'http://127.0.0.1:1/api']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain('does not exist');
  });
});
