/**
 * Jobs survive the server: a server restarted on the same data dir (in
 * process, or as a process killed cleanly or not) knows its jobs and
 * idempotency keys and carries unfinished jobs to completion, seq continuing.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PIPELINE_PHASES } from '../../src/shared/phases';
import { spawnServerProcess, startServer } from '../support/referenceServer';
import { chartPart, documentPart, postMultipart } from './fixtures/multipartUpload';
import { pdfWithPages } from './fixtures/sampleDocuments';
import { waitFor } from './fixtures/waitFor';
import { WsProbe } from './fixtures/wsProbe';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'intake-persistence-test-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const upload = (url: string, chartNumber: string, key?: string) =>
  postMultipart(`${url}/documents/upload`, [chartPart(chartNumber), documentPart(pdfWithPages(2))], {
    headers: key === undefined ? {} : { 'Idempotency-Key': key },
  });

/** Follows one job across connections; records every frame's seq and phase. */
async function follow(wsUrl: string, jobId: string): Promise<WsProbe> {
  const probe = await WsProbe.open(wsUrl);
  probe.subscribe(jobId);
  await probe.nth('subscribed', 1);
  return probe;
}

function history(probes: WsProbe[], jobId: string): Array<{ seq: number; phase: string }> {
  return probes.flatMap((probe) =>
    probe.frames
      .filter((f) => (f.type === 'subscribed' || f.type === 'status_update') && f.jobId === jobId)
      .map((f) => ({ seq: f.seq as number, phase: f.phase as string })),
  );
}

/** Across restarts a seq may repeat (snapshot after restart) but always with the same phase, and never goes back. */
function expectConsistent(events: Array<{ seq: number; phase: string }>): void {
  const phaseOfSeq = new Map<number, string>();
  let last = -1;
  for (const { seq, phase } of events) {
    expect(seq).toBeGreaterThanOrEqual(last);
    if (phaseOfSeq.has(seq)) expect(phaseOfSeq.get(seq)).toBe(phase);
    phaseOfSeq.set(seq, phase);
    last = seq;
  }
  expect([...phaseOfSeq.values()].filter((p) => p !== 'queued')).toEqual([...PIPELINE_PHASES]);
  expect(Math.max(...phaseOfSeq.keys())).toBe(7);
}

/** Seq never goes back across the restart, and a repeated seq names the same phase. */
function expectNeverBackwards(events: Array<{ seq: number; phase: string }>): void {
  const phaseOfSeq = new Map<number, string>();
  let last = -1;
  for (const { seq, phase } of events) {
    expect(seq).toBeGreaterThanOrEqual(last);
    if (phaseOfSeq.has(seq)) expect(phaseOfSeq.get(seq)).toBe(phase);
    phaseOfSeq.set(seq, phase);
    last = seq;
  }
  expect(last).toBe(7);
}

describe('persistence', () => {
  it('an in-process server restarted on the same data dir resumes jobs and remembers idempotency keys', async () => {
    const first = await startServer({ dataDir, phaseMs: 80 });
    const created = await upload(first.url, 'P-1', 'key-1');
    const jobId = (created.body as { jobId: string }).jobId;
    const before = await follow(first.wsUrl, jobId);
    await waitFor(() => before.of('status_update').length >= 2, 'two phases done');
    await first.close();
    const seqAtClose = before.of('status_update').at(-1)?.seq as number;

    const second = await startServer({ dataDir, phaseMs: 80 });
    expect(second.jobs().map((j) => j.jobId)).toEqual([jobId]);
    const after = await follow(second.wsUrl, jobId);
    // At least what the client heard; more when a frame was still in flight as the server closed.
    expect(after.of('subscribed')[0]?.seq).toBeGreaterThanOrEqual(seqAtClose);
    await after.next((f) => f.type === 'status_update' && f.status === 'completed', 'completion after restart', 30_000);
    expectConsistent(history([before, after], jobId));

    const repeat = await upload(second.url, 'P-1', 'key-1');
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(created.body);
    expect(second.jobs()).toHaveLength(1);
    after.close();
  });

  it('moves an unreadable jobs.json aside and starts empty instead of crashing', async () => {
    writeFileSync(join(dataDir, 'jobs.json'), '{ this is not json');
    const lines: string[] = [];
    const server = await startServer({ dataDir, log: (line) => lines.push(line) });
    expect(server.jobs()).toEqual([]);
    expect(readdirSync(dataDir).some((name) => name.startsWith('jobs.json.unreadable-'))).toBe(true);
    expect(lines.join('\n')).toMatch(/could not be read \(not JSON\)/);
    expect((await upload(server.url, 'P-2')).status).toBe(201);
  });

  it('clears half-received uploads and temp files a killed process left behind, keeping accepted jobs', async () => {
    const first = await startServer({ dataDir });
    await upload(first.url, 'P-5');
    await first.close();
    mkdirSync(join(dataDir, 'uploads', 'staging-left-over'), { recursive: true });
    writeFileSync(join(dataDir, 'uploads', 'staging-left-over', '1'), 'partial');
    writeFileSync(join(dataDir, 'jobs.json.12345.tmp'), '{"half":');
    const second = await startServer({ dataDir });
    expect(second.jobs()).toHaveLength(1);
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([second.jobs()[0]?.jobId]);
    expect(readdirSync(dataDir).sort()).toEqual(['jobs.json', 'uploads']);
  });

  it('removes its own temp data dir on close but keeps a given one', async () => {
    const kept = await startServer({ dataDir });
    await upload(kept.url, 'P-3');
    await kept.close();
    expect(existsSync(join(dataDir, 'jobs.json'))).toBe(true);
  });

  it('killed (SIGKILL) while many jobs stream, a restarted server knows every job at a seq at least what the client saw', async () => {
    const server = await spawnServerProcess({ dataDir, args: ['--phase-ms', '60'] });
    const before = await WsProbe.open(server.wsUrl);
    const jobIds: string[] = [];
    for (let i = 0; i < 12; i++) {
      const jobId = ((await upload(server.url, `K-${i}`)).body as { jobId: string }).jobId;
      jobIds.push(jobId);
      before.subscribe(jobId);
    }
    // Mid-stream: enough updates that the journal holds change lines, not only new jobs.
    await waitFor(() => before.of('status_update').length >= 30, 'thirty updates across the jobs');
    await server.restart({ signal: 'SIGKILL' });
    await waitFor(() => before.closed, 'old socket closed');
    const lastSeen = (jobId: string) =>
      Math.max(-1, ...before.frames.filter((f) => f.jobId === jobId && f.seq !== undefined).map((f) => f.seq as number));

    const after = await WsProbe.open(server.wsUrl);
    for (const jobId of jobIds) after.subscribe(jobId);
    await waitFor(() => after.of('subscribed').length === jobIds.length, 'every job subscribed after the restart');
    for (const jobId of jobIds) expect(after.of('subscribed', jobId)[0]?.seq).toBeGreaterThanOrEqual(lastSeen(jobId));
    for (const jobId of jobIds) {
      await after.next((f) => f.jobId === jobId && f.status === 'completed', `job ${jobId} completed`, 30_000);
    }
    for (const jobId of jobIds) expectNeverBackwards(history([before, after], jobId));
    after.close();
    expect(await server.kill()).toBe(0);
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`a server process restarted (${signal}) mid-job on the same port and data dir finishes the job`, async () => {
      const server = await spawnServerProcess({ dataDir, args: ['--phase-ms', '150'] });
      const created = await upload(server.url, 'P-4', 'key-4');
      const jobId = (created.body as { jobId: string }).jobId;
      const before = await follow(server.wsUrl, jobId);
      await waitFor(() => before.of('status_update').length >= 2, 'two phases done');
      const urlBefore = server.url;
      await server.restart({ signal });
      expect(server.url).toBe(urlBefore);
      await waitFor(() => before.closed, 'old socket closed');

      const after = await follow(server.wsUrl, jobId);
      // Persist-then-publish: the restarted server never knows less than a client was told.
      expect(after.of('subscribed')[0]?.seq).toBeGreaterThanOrEqual(before.frames.filter((f) => f.seq !== undefined).at(-1)?.seq as number);
      await after.next((f) => (f.type === 'status_update' || f.type === 'subscribed') && f.status === 'completed', 'completion', 30_000);
      expectConsistent(history([before, after], jobId));

      const repeat = await upload(server.url, 'P-4', 'key-4');
      expect(repeat.status).toBe(200);
      expect(repeat.body).toEqual(created.body);
      after.close();
      expect(await server.kill()).toBe(0);
    });
  }
});
