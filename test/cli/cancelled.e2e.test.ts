// A job cancelled at the server (PROTOCOL.md §4) ends the real CLI's run with `done` outcome `cancelled`, exit 1.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startCli } from './cliProcess';
import { writePdf } from './documents';
import { startTestServer } from './testServer';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-cli-cancel-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('intake upload --json: a job cancelled at the server is done with outcome cancelled', async () => {
  const server = await startTestServer({ phaseMs: 60_000 }); // the job waits at the server until it is cancelled
  const file = await writePdf(path.join(dir, 'scan.pdf'), 2);
  const run = startCli(['upload', '--server', server.url, '--chart', 'X-1', '--json', file]);
  await run.waitFor((r) => r.events().some((e) => e.event === 'uploaded'), 'uploaded');
  const jobId = server.jobs()[0]!.jobId;
  const answer = await fetch(`${server.url}/documents/jobs/${jobId}/cancel`, { method: 'POST' });
  expect(answer.status).toBe(202);
  expect(await run.exited).toBe(1);
  const events = run.events();
  expect(events.filter((e) => e.event === 'phase').at(-1)).toMatchObject({ jobId, status: 'cancelled', phase: 'cancelled' });
  expect(events.at(-1)).toMatchObject({ event: 'done', chartNumber: 'X-1', jobId, outcome: 'cancelled' });
});
