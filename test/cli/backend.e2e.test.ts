// `intake upload --backend socketio-rooms|socketio-events|FILE.json` end to end: the real CLI process
// against the reference server speaking that dialect with faults on; every `done` outcome is the server's.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args';
import { SOCKETIO_EVENTS } from '../../src/shared/dialect';
import type { ReferenceServer } from '../../src/server/index';
import { seededRandom } from '../support/seededRandom';
import { runCli, startCli } from './cliProcess';
import { writePdf } from './documents';
import { startTestServer } from './testServer';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-cli-backend-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A server plan that fails these charts' first attempt (and, with maxAttempts 1, the job): which ones fail is not left to chance. */
const failingCharts =
  (...charts: string[]) =>
  ({ chartNumber }: { chartNumber: string }) =>
    charts.includes(chartNumber) ? 1 : 0;

const OUTCOME_OF: Record<string, string> = { completed: 'completed', failed: 'failed', blocked: 'blocked', cancelled: 'cancelled' };

async function jobsFile(count: number): Promise<string> {
  await writePdf(path.join(dir, 'scan.pdf'));
  const file = path.join(dir, 'jobs.json');
  await writeFile(file, JSON.stringify(Array.from({ length: count }, (_, i) => ({ chartNumber: `BK-${i}`, files: ['scan.pdf'] }))));
  return file;
}

/** Runs the CLI while the server drops every socket twice (and, for rooms, stops acknowledging joins for a while). */
async function uploadWithFaults(server: ReferenceServer, backend: string, extra: string[] = []) {
  const run = startCli(['upload', '--backend', backend, '--server', server.url, '--jobs', await jobsFile(12), '--json', ...extra]);
  await run.waitFor((r) => r.events().some((e) => e.event === 'uploaded'), 'a first upload');
  server.dropAllSockets();
  server.setJoinAcks?.(false);
  await run.waitFor((r) => r.events().filter((e) => e.event === 'uploaded').length >= 6, 'half the uploads');
  server.dropAllSockets();
  server.setJoinAcks?.(true);
  const code = await run.exited;
  return { code, events: run.events(), stderr: run.stderr() };
}

function expectOutcomesOfServer(server: ReferenceServer, events: Array<Record<string, unknown>>): string[] {
  const done = events.filter((e) => e.event === 'done');
  expect(done).toHaveLength(12);
  const truth = new Map(server.jobs().map((job) => [job.jobId, OUTCOME_OF[job.status] ?? job.status]));
  for (const event of done) expect({ jobId: event.jobId, outcome: event.outcome }).toEqual({ jobId: event.jobId, outcome: truth.get(event.jobId as string) });
  return done.map((e) => e.outcome as string);
}

describe('intake upload --backend', () => {
  it('socketio-rooms: with drops and unacknowledged joins, every done outcome is the server’s; exit 1 when one failed', { timeout: 120_000 }, async () => {
    const server = await startTestServer({ dialect: 'socketio-rooms', phaseMs: 60, failPlan: failingCharts('BK-3', 'BK-8'), maxAttempts: 1 });
    const { code, events, stderr } = await uploadWithFaults(server, 'socketio-rooms');
    const outcomes = expectOutcomesOfServer(server, events);
    expect(outcomes).toContain('failed');
    expect(code, stderr).toBe(1);
  });

  it('socketio-events: BLOCKED jobs end `blocked`, every outcome is the server’s; exit 1', { timeout: 120_000 }, async () => {
    // The quality check's dice are seeded: of the 11 jobs that reach it, 5 are held (the draws 2–5 and 7 of seed 4).
    const server = await startTestServer({ dialect: 'socketio-events', phaseMs: 60, failPlan: failingCharts('BK-5'), blockedRate: 0.4, random: seededRandom(4), maxAttempts: 1 });
    const { code, events, stderr } = await uploadWithFaults(server, 'socketio-events');
    const outcomes = expectOutcomesOfServer(server, events);
    expect(outcomes).toContain('blocked');
    expect(code, stderr).toBe(1);
    // One drop of several charts is one batch at the server.
    const batches = new Set(server.jobs().map((job) => job.batchId));
    expect(batches.size).toBe(1);
    expect([...batches][0]).toEqual(expect.any(String));
    // The server's batch progress is reported as it says it, to the end.
    const reported = events.filter((e) => e.event === 'batch');
    expect(reported.length).toBeGreaterThan(1);
    expect(reported.at(-1)).toMatchObject({ event: 'batch', batchId: [...batches][0], total: 12, completed: 12, progress: expect.any(Number), status: 'completed' });
  });

  it('a custom dialect file drives a renamed backend (a variant of the reference server) to the end; exit 0 when all completed', { timeout: 120_000 }, async () => {
    const renamed = {
      ...SOCKETIO_EVENTS,
      name: 'acme',
      rest: { upload: '/v2/intake', status: '/v2/state/{id}', cancel: null, batch: null },
      form: { chartNumber: 'chart', documents: 'pages', batchId: null },
      fields: { ...SOCKETIO_EVENTS.fields, jobId: 'ticket', objectId: 'ticket', status: 'state', progress: 'pct' },
      events: { ...SOCKETIO_EVENTS.events, subscribe: 'watch', unsubscribe: 'unwatch', subscribed: 'watching', updates: ['tick', 'finished', 'broken'] },
      statuses: { NEW: 'queued', RUNNING: 'processing', OK: 'completed', HELD: 'blocked', BROKEN: 'failed' },
    } as const;
    const server = await startTestServer({ dialect: renamed, phaseMs: 30 });
    const file = path.join(dir, 'acme.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'acme',
        base: 'socketio-events',
        rest: renamed.rest,
        form: renamed.form,
        fields: { jobId: 'ticket', objectId: 'ticket', status: 'state', progress: 'pct' },
        events: { subscribe: 'watch', unsubscribe: 'unwatch', subscribed: 'watching', updates: ['tick', 'finished', 'broken'] },
        statuses: renamed.statuses,
      }),
    );
    const stateDir = path.join(dir, 'state');
    const { code, events, stderr } = await runCli(['upload', '--backend', file, '--server', server.url, '--jobs', await jobsFile(12), '--json', '--state-dir', stateDir]);
    expect(code, stderr).toBe(0);
    expect(expectOutcomesOfServer(server, events()).every((o) => o === 'completed')).toBe(true);
    expect(server.stats.requestsByRoute['POST /api/v2/intake']).toBe(12);
  });

  it('a malformed dialect file is refused before anything runs, naming the field', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ name: 'x', base: 'socketio-events', events: { updates: 'tick' }, fields: { stauts: 'state' } }));
    const { code, stderr } = await runCli(['upload', '--backend', file, '--server', 'http://127.0.0.1:9/api', '--chart', 'A', path.join(dir, 'none.pdf')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^intake: --backend: The dialect file .*bad\.json is not usable: /);
    expect(stderr).toMatch(/events\.updates: Invalid input: expected array, received string/);
    expect(stderr).toMatch(/fields: Unrecognized key: "stauts"/);
  });

  it('--backend takes the three names or a PATH.json, on upload, watch and resume; the state folder keeps it', async () => {
    expect(parseArgs(['upload', '--server', 'http://127.0.0.1:1/api', '--backend', 'socketio-rooms', '--chart', 'A', 'f.pdf'])).toMatchObject({ ok: true, command: { backend: 'socketio-rooms' } });
    expect(parseArgs(['watch', 'dir', '--server', 'http://127.0.0.1:1/api', '--backend', 'my.json'])).toMatchObject({ ok: true, command: { backend: 'my.json' } });
    expect(parseArgs(['resume', '--state-dir', 's', '--backend', 'socketio-events'])).toMatchObject({ ok: true, command: { backend: 'socketio-events' } });
    expect(parseArgs(['upload', '--server', 'http://127.0.0.1:1/api', '--backend', 'socketio', '--chart', 'A', 'f.pdf'])).toEqual({
      ok: false,
      message: '--backend must be intake, socketio-rooms, socketio-events or a dialect file PATH.json (got "socketio").',
    });
    expect(parseArgs(['doctor', '--server', 'http://127.0.0.1:1/api', '--backend', 'socketio-rooms'])).toEqual({ ok: false, message: '--backend is not an option of "doctor".' });

    // A run killed before it finished leaves the backend beside the server: resume speaks it without being told.
    const server = await startTestServer({ dialect: 'socketio-rooms', phaseMs: 60_000 });
    const stateDir = path.join(dir, 'kept');
    const run = startCli(['upload', '--backend', 'socketio-rooms', '--server', server.url, '--chart', 'K-1', '--json', '--state-dir', stateDir, await writePdf(path.join(dir, 'k.pdf'))]);
    await run.waitFor((r) => r.events().some((e) => e.event === 'uploaded'), 'uploaded');
    run.child.kill('SIGKILL');
    await run.exited;
    expect(JSON.parse(await readFile(path.join(stateDir, 'cli.json'), 'utf8'))).toEqual({ version: 1, server: server.url, backend: 'socketio-rooms' });
    const jobId = server.jobs()[0]!.jobId;
    server.emitStatus?.(jobId, 'completed', 'completed', 'Done.');
    const resumed = await runCli(['resume', '--state-dir', stateDir, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.events().at(-1)).toMatchObject({ event: 'done', jobId, outcome: 'completed' });
  });
});
