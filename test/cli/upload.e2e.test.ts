// `intake upload` end to end: the real CLI process against the real reference server.
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { USAGE } from '../../src/cli/args';
import { runCli, startCli } from './cliProcess';
import { pdfBytes, writePdf } from './documents';
import { startTestServer } from './testServer';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-cli-e2e-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('intake upload', () => {
  it('--json: one job gives parseable lines with every listed event in order, exit 0', async () => {
    const server = await startTestServer();
    const file = await writePdf(path.join(dir, 'scan.pdf'), 3);
    const { code, events, stderr } = await runCli(['upload', '--server', server.url, '--chart', 'J-1', '--json', file]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const all = events();
    for (const e of all) {
      expect(typeof e.event).toBe('string');
      expect(new Date(e.at).toISOString()).toBe(e.at);
    }
    const names = all.map((e) => e.event).filter((n) => n !== 'connection');
    // queued → progress → uploaded → phases → done, nothing out of order
    expect(names[0]).toBe('queued');
    const uploadedAt = names.indexOf('uploaded');
    expect(names.slice(1, uploadedAt).every((n) => n === 'upload_progress')).toBe(true);
    expect(uploadedAt).toBeGreaterThan(1);
    expect(names.at(-1)).toBe('done');
    expect(names.slice(uploadedAt + 1, -1).every((n) => n === 'phase')).toBe(true);
    expect(all.find((e) => e.event === 'connection')).toMatchObject({ state: expect.any(String) });

    const jobId = server.jobs()[0]?.jobId;
    expect(server.jobs()).toHaveLength(1);
    expect(all.find((e) => e.event === 'uploaded')).toMatchObject({ chartNumber: 'J-1', jobId });
    const phases = all.filter((e) => e.event === 'phase');
    expect(phases.map((p) => p.phase)).toContain('ocr_started');
    expect(phases.at(-1)).toMatchObject({ jobId, status: 'completed', phase: 'completed' });
    const seqs = phases.map((p) => p.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(all.at(-1)).toMatchObject({ event: 'done', chartNumber: 'J-1', jobId, outcome: 'completed' });
  });

  it('plain output: one line per event, a summary, no ANSI when stdout is not a terminal', async () => {
    const server = await startTestServer();
    const file = await writePdf(path.join(dir, 'scan.pdf'));
    const { code, stdout } = await runCli(['upload', '--server', server.url, '--chart', 'P-1', file]);
    expect(code).toBe(0);
    expect(stdout).not.toContain('\x1b[');
    expect(stdout).toMatch(/^queued {5}P-1 {2}1 file, /m);
    expect(stdout).toMatch(/^uploaded {3}P-1 {2}server job /m);
    expect(stdout).toMatch(/^completed {2}P-1 {2}server job /m);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('1 job: 1 completed');
  });

  it('without --state-dir a temporary state folder is used and removed at the end', async () => {
    const server = await startTestServer();
    const file = await writePdf(path.join(dir, 'scan.pdf'));
    const tmp = path.join(dir, 'tmp');
    await mkdir(tmp);
    const ours = async () => (await readdir(tmp)).filter((name) => name.startsWith('intake-cli-'));
    const { code } = await runCli(['upload', '--server', server.url, '--chart', 'TMP-1', file], { env: { TMPDIR: tmp } });
    expect(code).toBe(0);
    expect(await ours()).toEqual([]);

    // Interrupted, the temporary folder is kept (it holds the unfinished job) and named on stderr.
    server.injectUploadFaults({ kind: 'stall' });
    const run = startCli(['upload', '--server', server.url, '--chart', 'TMP-2', '--json', file], { env: { TMPDIR: tmp } });
    await run.waitFor((r) => r.events().some((e) => e.event === 'upload_progress'), 'the upload to start');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    const kept = await ours();
    expect(kept).toHaveLength(1);
    expect(run.stderr()).toContain(`intake resume --state-dir ${path.join(tmp, kept[0] as string)}`);
    expect(await readdir(path.join(tmp, kept[0] as string))).toContain('queue.journal');
  });

  it('a refused upload try (503) is reported as a retry and the job still completes', async () => {
    const server = await startTestServer();
    const file = await writePdf(path.join(dir, 'scan.pdf'));
    server.injectUploadFaults({ kind: 'status', status: 503 });
    const { code, events } = await runCli(['upload', '--server', server.url, '--chart', 'R-1', '--json', file]);
    expect(code).toBe(0);
    const names = events().map((e) => e.event);
    expect(names.indexOf('upload_retry')).toBeGreaterThan(names.indexOf('queued'));
    expect(names.indexOf('upload_retry')).toBeLessThan(names.indexOf('uploaded'));
    expect(events().find((e) => e.event === 'upload_retry')).toMatchObject({ chartNumber: 'R-1', attempt: 1, nextTryAt: expect.any(String) });
    expect(server.jobs()).toHaveLength(1);
  });

  it('a job that fails for good on the server ends with exit 1 and its reason', async () => {
    const server = await startTestServer({ maxAttempts: 2, failPlan: ({ chartNumber }) => (chartNumber === 'BAD' ? 99 : 0) });
    await writePdf(path.join(dir, 'good.pdf'));
    const bad = await writePdf(path.join(dir, 'bad.pdf'));
    const jobs = path.join(dir, 'jobs.json');
    await writeFile(jobs, JSON.stringify([{ chartNumber: 'GOOD', files: ['good.pdf'] }, { chartNumber: 'BAD', files: [bad] }]));
    const { code, events } = await runCli(['upload', '--server', server.url, '--jobs', jobs, '--json']);
    expect(code).toBe(1);
    const done = events().filter((e) => e.event === 'done');
    expect(done.map((d) => [d.chartNumber, d.outcome]).sort()).toEqual([
      ['BAD', 'failed'],
      ['GOOD', 'completed'],
    ]);
    expect(done.find((d) => d.chartNumber === 'BAD')?.message).not.toBe('');
    // Both jobs were followed over one WebSocket.
    expect(server.stats.wsConnections).toBe(1);
  });

  it('every validation failure gets its own message and exit 1, while the good jobs still complete', async () => {
    const server = await startTestServer();
    await writePdf(path.join(dir, 'good.pdf'));
    await writePdf(path.join(dir, 'good2.pdf'));
    await writeFile(path.join(dir, 'empty.pdf'), '');
    await writeFile(path.join(dir, 'notes.txt'), 'just some text, not a document\n');
    // Over the 2 GiB per-file limit without using the disk: a sparse file.
    await writeFile(path.join(dir, 'huge.pdf'), pdfBytes());
    await truncate(path.join(dir, 'huge.pdf'), 2 * 1024 ** 3 + 1);
    // A folder over the 1000-file cap.
    await mkdir(path.join(dir, 'big-folder'));
    await Promise.all(Array.from({ length: 1001 }, (_, i) => writeFile(path.join(dir, 'big-folder', `p${i}.pdf`), pdfBytes())));
    // Unreadable: tests run as root, where chmod 000 blocks nothing. A FIFO cannot be read as a document,
    // and a path through a file cannot be opened at all; both are unreadable for any user.
    execFileSync('mkfifo', [path.join(dir, 'pipe.pdf')]);
    const asRoot = process.getuid?.() === 0;
    const jobs: Array<{ chartNumber: string; files: string[] }> = [
      { chartNumber: 'OK-1', files: ['good.pdf'] },
      { chartNumber: 'MISSING', files: ['nope.pdf'] },
      { chartNumber: 'BIGDIR', files: ['big-folder'] },
      { chartNumber: 'EMPTY', files: ['empty.pdf'] },
      { chartNumber: 'FIFO', files: ['pipe.pdf'] },
      { chartNumber: 'THROUGH', files: ['good.pdf/inner.pdf'] },
      { chartNumber: 'HUGE', files: ['huge.pdf'] },
      { chartNumber: 'TYPE', files: ['notes.txt'] },
      { chartNumber: 'TWICE', files: ['good2.pdf', './good2.pdf'] },
      { chartNumber: 'bad chart!', files: ['good2.pdf'] },
      { chartNumber: 'OK-2', files: ['good2.pdf'] },
    ];
    if (!asRoot) {
      await writePdf(path.join(dir, 'locked.pdf'));
      execFileSync('chmod', ['000', path.join(dir, 'locked.pdf')]);
      jobs.push({ chartNumber: 'LOCKED', files: ['locked.pdf'] });
    }
    await writeFile(path.join(dir, 'jobs.json'), JSON.stringify(jobs));
    const { code, events } = await runCli(['upload', '--server', server.url, '--jobs', path.join(dir, 'jobs.json'), '--json'], { timeoutMs: 120_000 });
    expect(code).toBe(1);
    const done = new Map(events().filter((e) => e.event === 'done').map((e) => [e.chartNumber as string, e]));
    expect(done.size).toBe(jobs.length);
    expect(done.get('OK-1')).toMatchObject({ outcome: 'completed' });
    expect(done.get('OK-2')).toMatchObject({ outcome: 'completed' });
    const why = (chart: string) => {
      const e = done.get(chart);
      expect(e, chart).toMatchObject({ outcome: 'rejected', jobId: null });
      return [e?.message, ...((e?.reasons as string[] | undefined) ?? [])].join(' | ');
    };
    expect(why('MISSING')).toMatch(/not found/i);
    expect(why('BIGDIR')).toMatch(/more than 1000 files/);
    expect(why('EMPTY')).toMatch(/empty/i);
    expect(why('FIFO')).toMatch(/not a regular file/i);
    expect(why('THROUGH')).toMatch(/not a folder/i);
    expect(why('HUGE')).toMatch(/largest accepted is 2/);
    expect(why('TYPE')).toMatch(/type not accepted/i);
    expect(why('TWICE')).toMatch(/same file/i);
    expect(why('bad chart!')).toMatch(/chart number contains " "/i);
    if (!asRoot) expect(why('LOCKED')).toMatch(/permission|unreadable|cannot be read/i);
    // Each refusal says something different: no catch-all message.
    const reasons = ['MISSING', 'BIGDIR', 'EMPTY', 'FIFO', 'HUGE', 'TYPE', 'TWICE', 'bad chart!'].map(why);
    expect(new Set(reasons).size).toBe(reasons.length);
    // Only the two good jobs reached the server.
    expect(server.jobs().map((j) => j.chartNumber).sort()).toEqual(['OK-1', 'OK-2']);
  });

  it('a corrupt state file: warns on stderr, keeps the corrupt copy, and carries on', async () => {
    const server = await startTestServer();
    const stateDir = path.join(dir, 'state');
    await mkdir(stateDir);
    await writeFile(path.join(stateDir, 'queue.json'), '{"version":1,"jobs":[{"id":');
    const file = await writePdf(path.join(dir, 'scan.pdf'));
    const { code, stderr, stdout } = await runCli(['upload', '--server', server.url, '--chart', 'C-1', '--state-dir', stateDir, file]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/warning: .*(corrupt|could not be read|unreadable)/i);
    expect(stdout).toMatch(/^completed {2}C-1/m);
    const kept = (await readdir(stateDir)).filter((name) => name.startsWith('queue.json.corrupt'));
    expect(kept).toHaveLength(1);
    expect(await readFile(path.join(stateDir, kept[0] as string), 'utf8')).toBe('{"version":1,"jobs":[{"id":');
  });

  it('a token the server refuses ends the run (exit 1) with the queue kept, never printing the token; the right one works', async () => {
    const server = await startTestServer({ token: 'right-token-456' });
    const file = await writePdf(path.join(dir, 'scan.pdf'));
    const stateDir = path.join(dir, 'state');
    const wrong = await runCli(['upload', '--server', server.url, '--chart', 'T-1', '--state-dir', stateDir, '--token', 'wrong-token-123', file]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('the server refused the token');
    expect(wrong.stdout + wrong.stderr).not.toContain('wrong-token-123');
    expect(wrong.stderr).toContain('intake: warning: --token is visible to other users of this computer (ps); set INTAKE_TOKEN');
    expect(server.jobs()).toHaveLength(0);
    // The job waited in the state folder; INTAKE_TOKEN keeps the token off the command line.
    const right = await runCli(['resume', '--state-dir', stateDir], { env: { INTAKE_TOKEN: 'right-token-456' } });
    expect(right.code).toBe(0);
    expect(right.stdout).toMatch(/^completed {2}T-1/m);
    expect(right.stdout + right.stderr).not.toContain('right-token-456');
    expect(server.jobs()).toHaveLength(1);
  });

  it.each([
    [['upload', '--chart', 'A', 'x.pdf'], 'upload needs --server URL.'],
    [['upload', '--server', 'http://127.0.0.1:1/api', '--chart', 'A', '--frobnicate', 'x.pdf'], 'Unknown option --frobnicate.'],
    [['upload', '--server', 'http://127.0.0.1:1/api', '--token', 'sekret-123', '--chart'], '--chart needs a value.'],
    [['jump'], 'Unknown command "jump"; expected upload, resume, watch, doctor or help.'],
  ])('usage error %j: exit 2, one-line message and usage on stderr, nothing on stdout', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`intake: ${message}\n${USAGE}\n`);
    expect(stderr).not.toContain('sekret-123');
  });

  it('an unusable state folder stops the run before anything is sent (exit 2)', async () => {
    const server = await startTestServer();
    const file = await writePdf(path.join(dir, 'scan.pdf'));
    const { code, stderr } = await runCli(['upload', '--server', server.url, '--chart', 'U-1', '--state-dir', path.join(file, 'state'), file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^intake: Cannot use the state folder .*: a file is in the way/m);
    expect(server.jobs()).toHaveLength(0);
  });

  it('a malformed jobs file is a usage error (exit 2) with the place of the problem', async () => {
    await writeFile(path.join(dir, 'jobs.json'), '[{"chartNumber":"A","files":"a.pdf"}]');
    const { code, stderr } = await runCli(['upload', '--server', 'http://127.0.0.1:1/api', '--jobs', path.join(dir, 'jobs.json')]);
    expect(code).toBe(2);
    expect(stderr).toContain('[0].files');
  });
});
