/**
 * The results of one completed job, read from its chart's status body on a
 * real HTTP server on 127.0.0.1: a chart can hold several jobs, so results
 * keyed by job id give this job's own; anything else is shown as it came.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchJobResults } from '../../../src/core/queue/jobResults';
import type { QueueInputError } from '../../../src/core/queue/types';
import { sampleJob } from '../../support/sampleJob';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A status server answering `body` as JSON for any chart; records the Authorization header of each request. */
async function statusServer(body: unknown): Promise<{ baseUrl: string; auth: (string | undefined)[] }> {
  const auth: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    auth.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auth };
}

const completed = sampleJob({ stage: 'completed', jobId: 'srv-1', chartNumber: 'CH-1' });

describe('fetchJobResults', () => {
  it('results exist only for a completed job the server knows', async () => {
    const { baseUrl, auth } = await statusServer({ results: { pages: 3 } });
    for (const job of [sampleJob({ stage: 'tracking', jobId: 'srv-1' }), sampleJob({ stage: 'completed', jobId: null })]) {
      await expect(fetchJobResults({ baseUrl }, job)).rejects.toThrow(
        expect.objectContaining({ code: 'invalid_state', message: 'Results exist only once the job has completed.' }) as QueueInputError,
      );
    }
    expect(auth).toEqual([]); // nothing asked
  });

  it('this job’s results out of a chart keyed by job id, with the token sent', async () => {
    const { baseUrl, auth } = await statusServer({ results: { 'srv-0': { pages: 1 }, 'srv-1': { pages: 3 } } });
    expect(await fetchJobResults({ baseUrl, token: 'tok-1' }, completed)).toEqual({ pages: 3 });
    expect(auth).toEqual(['Bearer tok-1']);
  });

  it('results not keyed by this job come back as they are; none, or a body without them, is null', async () => {
    for (const [body, expected] of [
      [{ results: { pages: 3 } }, { pages: 3 }],
      [{ results: 'done: 3 pages' }, 'done: 3 pages'],
      [{ results: ['srv-1'] }, ['srv-1']],
      [{ status: 'completed' }, null],
      [null, null],
    ] as const) {
      const { baseUrl } = await statusServer(body);
      expect(await fetchJobResults({ baseUrl }, completed), JSON.stringify(body)).toEqual(expected);
    }
    // A numeric job id is not an index into text results.
    const { baseUrl } = await statusServer({ results: 'done: 3 pages' });
    expect(await fetchJobResults({ baseUrl }, { ...completed, jobId: '2' })).toBe('done: 3 pages');
  });
});
