// `intake resume`: a run killed mid-way is finished by the next one, without a job made twice.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from './cliProcess';
import { writePdf } from './documents';
import { startTestServer } from './testServer';
import { createJournalQueueStore } from '../../src/core/persistence/journalQueueStore';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-cli-resume-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeJobs(count: number): Promise<{ jobsFile: string; charts: string[] }> {
  const charts = Array.from({ length: count }, (_, i) => `R-${String(i + 1).padStart(2, '0')}`);
  await Promise.all(charts.map((chart) => writePdf(path.join(dir, `${chart}.pdf`), 2, 64 * 1024)));
  const jobsFile = path.join(dir, 'jobs.json');
  await writeFile(jobsFile, JSON.stringify(charts.map((chart) => ({ chartNumber: chart, files: [`${chart}.pdf`] }))));
  return { jobsFile, charts };
}

const ofEvent = (events: Array<Record<string, unknown>>, name: string) => events.filter((e) => e.event === name);

describe('intake resume', () => {
  it('kill -9 in the middle of 20 uploads, then resume: all 20 complete and the server holds exactly 20 jobs', async () => {
    const server = await startTestServer({ phaseMs: 150 });
    const { jobsFile, charts } = await writeJobs(20);
    const stateDir = path.join(dir, 'state');
    // The first two uploads to arrive stall (the server stops reading): they are mid-body at the kill.
    server.injectUploadFaults({ kind: 'stall' }, { kind: 'stall' });
    const first = startCli(['upload', '--server', server.url, '--jobs', jobsFile, '--state-dir', stateDir, '--json', '--concurrency', '4']);
    await first.waitFor((run) => ofEvent(run.events(), 'uploaded').length === 18, '18 uploads accepted');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(137);

    const killedEvents = first.events();
    const firstDone = ofEvent(killedEvents, 'done');
    expect(firstDone.length).toBeLessThan(20); // truly mid-way
    const stalledIds = new Set(ofEvent(killedEvents, 'queued').map((e) => e.id));
    for (const e of ofEvent(killedEvents, 'uploaded')) stalledIds.delete(e.id);
    expect(stalledIds.size).toBe(2);
    expect(server.jobs().length).toBeLessThanOrEqual(20);

    // No --server: the state folder remembers it.
    const resumed = await runCli(['resume', '--state-dir', stateDir, '--json'], { timeoutMs: 90_000 });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const events = resumed.events();
    // The two interrupted uploads were sent again and accepted.
    const reUploaded = new Map(ofEvent(events, 'uploaded').map((e) => [e.id, e.jobId]));
    for (const id of stalledIds) expect(reUploaded.has(id)).toBe(true);
    // An upload accepted just before the kill, but not yet saved as such, is sent again with the
    // same Idempotency-Key: the server answers with the job it already made.
    for (const e of ofEvent(killedEvents, 'uploaded')) {
      if (reUploaded.has(e.id)) expect(reUploaded.get(e.id)).toBe(e.jobId);
    }
    const outcomes = new Map<string, unknown>();
    for (const e of [...firstDone, ...ofEvent(events, 'done')]) outcomes.set(e.chartNumber as string, e.outcome);
    expect([...outcomes.keys()].sort()).toEqual(charts);
    expect([...outcomes.values()].every((o) => o === 'completed')).toBe(true);

    const jobs = server.jobs();
    expect(jobs).toHaveLength(20);
    expect(jobs.map((j) => j.chartNumber).sort()).toEqual(charts);
    expect(jobs.every((j) => j.status === 'completed')).toBe(true);
    // One socket per run carried all of its jobs.
    expect(server.stats.wsConnections).toBe(2);
  });

  it('SIGINT saves the queue and exits 130; resume then finishes the job', async () => {
    const server = await startTestServer();
    const file = await writePdf(path.join(dir, 'scan.pdf'), 1, 256 * 1024);
    const stateDir = path.join(dir, 'state');
    server.injectUploadFaults({ kind: 'stall' });
    const run = startCli(['upload', '--server', server.url, '--chart', 'S-1', '--state-dir', stateDir, '--json', file]);
    await run.waitFor((r) => ofEvent(r.events(), 'upload_progress').length > 0, 'the upload to start');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toContain(`intake resume --state-dir ${stateDir}`);
    const saved = (await createJournalQueueStore(stateDir).load())!;
    expect(saved.jobs).toEqual([expect.objectContaining({ chartNumber: 'S-1' })]);
    expect(['queued', 'uploading']).toContain(saved.jobs[0]?.stage);

    const resumed = await runCli(['resume', '--state-dir', stateDir]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^completed {2}S-1/m);
    expect(server.jobs()).toHaveLength(1);
  });

  it('a finished state folder: nothing to resume, exit 0', async () => {
    const server = await startTestServer();
    const file = await writePdf(path.join(dir, 'scan.pdf'));
    const stateDir = path.join(dir, 'state');
    expect((await runCli(['upload', '--server', server.url, '--chart', 'N-1', '--state-dir', stateDir, file])).code).toBe(0);
    const again = await runCli(['resume', '--state-dir', stateDir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to resume');
    expect(server.jobs()).toHaveLength(1);
  });

  it('a state folder that does not exist, or one that names no server: exit 2 with the reason', async () => {
    const missing = await runCli(['resume', '--state-dir', path.join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    const bare = await runCli(['resume', '--state-dir', dir]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('give --server URL');
  });

  it('a saved plain-http server on another host is refused unless --allow-insecure-http is given again', async () => {
    await writeFile(path.join(dir, 'cli.json'), JSON.stringify({ version: 1, server: 'http://intake.example.org/api' }));
    const refused = await runCli(['resume', '--state-dir', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the server this state folder was used with is refused');
    expect(refused.stderr).toContain('https');
  });
});
