/**
 * PROTOCOL.md §4 from the client's side, on a real HTTP server on 127.0.0.1:
 * the cancel request (its route per dialect, its headers) and what each answer
 * means for the job the user asked to cancel.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/base/logger';
import { ChangeStream } from '../../../src/core/queue/changeStream';
import { JobBook } from '../../../src/core/queue/jobBook';
import { cancelUrl, requestServerCancel, ServerCancel } from '../../../src/core/queue/serverCancel';
import type { QueueEvent } from '../../../src/core/queue/types';
import { CANCEL_UNSUPPORTED } from '../../../src/shared/jobRules';
import { SOCKETIO_EVENTS, SOCKETIO_ROOMS } from '../../../src/shared/dialect';
import type { QueueJob } from '../../../src/shared/queueJob';
import { FakeClock } from '../../support/fakeClock';
import { sampleJob } from '../../support/sampleJob';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server that answers every request with `status` (or never, for null), recording what it was asked. */
async function answering(status: number | null): Promise<{ baseUrl: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    if (status === null) return; // never answers
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 204 ? undefined : JSON.stringify({ ok: status < 300 }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen };
}

describe('requestServerCancel', () => {
  it('posts to the dialect’s cancel route, JSON accepted, the token as a bearer only when there is one', async () => {
    const { baseUrl, seen } = await answering(202);
    expect(await requestServerCancel({ baseUrl, token: 'tok-1' }, 'job/1')).toEqual({ kind: 'cancelling' });
    expect(await requestServerCancel({ baseUrl, token: null, dialect: SOCKETIO_ROOMS }, 'job/2')).toEqual({ kind: 'cancelling' });
    expect(seen.map((s) => [s.method, s.url, s.headers.accept, s.headers.authorization])).toEqual([
      ['POST', '/documents/jobs/job%2F1/cancel', 'application/json', 'Bearer tok-1'],
      ['POST', '/v1/jobs/job%2F2/cancel', 'application/json', undefined],
    ]);
  });

  it('a backend without a cancel route is unsupported without a request', async () => {
    const { baseUrl, seen } = await answering(202);
    expect(cancelUrl(baseUrl, 'j', SOCKETIO_EVENTS)).toBeNull();
    expect(await requestServerCancel({ baseUrl, dialect: SOCKETIO_EVENTS }, 'j')).toEqual({ kind: 'unsupported' });
    expect(seen).toEqual([]);
  });

  it('reads each answer: accepted, already ended, not supported, token refused, anything else', async () => {
    const cases: [number, unknown][] = [
      [200, { kind: 'cancelling' }],
      [202, { kind: 'cancelling' }],
      [409, { kind: 'final' }],
      [404, { kind: 'unsupported' }],
      [501, { kind: 'unsupported' }],
      [401, { kind: 'error', message: 'The server refused the token (HTTP 401); the job was not cancelled.' }],
      [403, { kind: 'error', message: 'The server refused the token (HTTP 403); the job was not cancelled.' }],
      [500, { kind: 'error', message: 'The server answered the cancel request with HTTP 500; the job was not cancelled.' }],
      // No body at all: still an answer, not a crash.
      [204, { kind: 'error', message: 'The server answered the cancel request with HTTP 204; the job was not cancelled.' }],
    ];
    for (const [status, answer] of cases) {
      const { baseUrl } = await answering(status);
      expect(await requestServerCancel({ baseUrl }, 'j'), `HTTP ${status}`).toEqual(answer);
    }
  });

  it('a server that never answers, and one that cannot be reached, each get their own message', async () => {
    const { baseUrl } = await answering(null);
    // Real fetch, with the request's own timeout shortened so the test does not wait 15 s.
    const soon: typeof fetch = (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(50) });
    expect(await requestServerCancel({ baseUrl }, 'j', soon)).toEqual({ kind: 'error', message: 'The server did not answer the cancel request in time.' });

    const closed = await answering(200);
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    expect(await requestServerCancel({ baseUrl: closed.baseUrl }, 'j')).toEqual({ kind: 'error', message: 'The server could not be reached to cancel the job.' });
  });
});

describe('ServerCancel', () => {
  async function setUp(status: number) {
    const { baseUrl } = await answering(status);
    const book = new JobBook(new ChangeStream(silentLogger), new FakeClock(), () => {});
    const events: QueueEvent[] = [];
    const ended: [string, QueueJob['error']][] = [];
    const cancel = new ServerCancel({
      book,
      server: () => ({ baseUrl }),
      emit: (event) => events.push(event),
      endLocally: (job, error) => ended.push([job.id, error]),
    });
    const job = book.restore(sampleJob({ id: 'local-1', stage: 'tracking', jobId: 'srv-1' }));
    return { book, events, ended, cancel, job };
  }

  it('shows "Cancelling…" at once; an accepted request keeps it until the final update', async () => {
    const { book, events, cancel, job } = await setUp(202);
    const asked = cancel.ask(job);
    expect(book.get('local-1')?.cancelRequested).toBe(true);
    expect(events).toEqual([{ type: 'phase', job: book.get('local-1') }]);
    await asked;
    expect(book.get('local-1')).toMatchObject({ stage: 'tracking', cancelRequested: true });
    expect(events).toHaveLength(1);
  });

  it('409 (already ended): only the flag goes, the final update is on its way', async () => {
    const { book, ended, cancel, job } = await setUp(409);
    await cancel.ask(job);
    expect(book.get('local-1')).toMatchObject({ stage: 'tracking', cancelRequested: false });
    expect(ended).toEqual([]);
  });

  it('a refused cancel drops the flag, shows it, and tells the user why', async () => {
    const { book, events, cancel, job } = await setUp(403);
    await cancel.ask(job);
    expect(book.get('local-1')).toMatchObject({ stage: 'tracking', cancelRequested: false });
    expect(events.slice(1)).toEqual([
      { type: 'phase', job: book.get('local-1') },
      { type: 'warning', message: 'The server refused the token (HTTP 403); the job was not cancelled.' },
    ]);
  });

  it('a server without cancelling: the job ends locally with the reason', async () => {
    const { ended, cancel, job } = await setUp(501);
    await cancel.ask(job);
    expect(ended).toEqual([['local-1', { code: 'cancel_unsupported', message: CANCEL_UNSUPPORTED }]]);
  });

  it('an answer for a job that ended, was removed or was sent again meanwhile changes nothing', async () => {
    // Ended: the final `cancelled` update beat the answer.
    let s = await setUp(501);
    let asked = s.cancel.ask(s.job);
    s.book.update(s.book.get('local-1')!, { stage: 'cancelled', cancelRequested: false });
    await asked;
    expect(s.ended).toEqual([]);
    expect(s.book.get('local-1')?.stage).toBe('cancelled');

    // Removed.
    s = await setUp(403);
    asked = s.cancel.ask(s.job);
    s.book.drop(s.book.get('local-1')!);
    await expect(asked).resolves.toBeUndefined();
    expect(s.events.filter((e) => e.type === 'warning')).toEqual([]);

    // Sent again: another server job, still "Cancelling…" from an earlier ask.
    s = await setUp(501);
    asked = s.cancel.ask(s.job);
    s.book.update(s.book.get('local-1')!, { jobId: 'srv-2' });
    await asked;
    expect(s.ended).toEqual([]);
  });
});
