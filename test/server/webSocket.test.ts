/**
 * /ws over real sockets: the subscribe protocol, every kind of bad frame
 * (answered with `error`, connection kept), pings, and the test switches.
 */
import { describe, expect, it } from 'vitest';
import { type ReferenceServer, type ReferenceServerOptions } from '../../src/server/index';
import { startServer } from '../support/referenceServer';
import { chartPart, documentPart, postMultipart } from './fixtures/multipartUpload';
import { pdfWithPages } from './fixtures/sampleDocuments';
import { waitFor } from './fixtures/waitFor';
import { WsProbe, upgradeStatus } from './fixtures/wsProbe';

/** A server whose jobs never move on their own: tests push updates with emitStatus. */
async function quietServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  return startServer({ phaseMs: 600_000, ...options });
}

async function createJob(server: ReferenceServer, chartNumber = 'WS-1', headers?: Record<string, string>): Promise<string> {
  const reply = await postMultipart(`${server.url}/documents/upload`, [chartPart(chartNumber), documentPart(pdfWithPages(1))], { headers });
  expect(reply.status).toBe(201);
  return (reply.body as { jobId: string }).jobId;
}

/** Proves the connection still works: a subscribe gets its ack. */
async function expectAlive(probe: WsProbe, jobId: string): Promise<void> {
  const acks = probe.of('subscribed').length;
  probe.subscribe(jobId);
  await probe.nth('subscribed', acks + 1);
  expect(probe.closed).toBe(false);
}

describe('WebSocket protocol', () => {
  it('acks subscribe with a snapshot and streams status_update with seq', async () => {
    const server = await quietServer();
    const jobId = await createJob(server);
    const probe = await WsProbe.open(server.wsUrl);
    probe.subscribe(jobId);
    const ack = await probe.nth('subscribed', 1);
    expect(ack).toEqual({ type: 'subscribed', jobId, timestamp: expect.any(String), status: 'queued', phase: 'queued', message: expect.any(String), seq: 0 });
    server.emitStatus?.(jobId, 'processing', 'ocr_started', 'OCR started.');
    const update = await probe.nth('status_update', 1);
    expect(update).toEqual({ type: 'status_update', jobId, status: 'processing', phase: 'ocr_started', message: 'OCR started.', timestamp: expect.any(String), seq: 1 });
    probe.close();
  });

  it('emitStatus with a phase the pipeline does not know ends the automatic progress there', async () => {
    const server = await startServer({ phaseMs: 30 });
    const jobId = await createJob(server);
    server.emitStatus?.(jobId, 'processing', 'manual_review', 'Waiting for a person.');
    const probe = await WsProbe.open(server.wsUrl);
    probe.subscribe(jobId);
    expect(await probe.nth('subscribed', 1)).toMatchObject({ phase: 'manual_review', seq: 1 });
    // Several phase periods later nothing moved on its own.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.jobs()[0]).toMatchObject({ phase: 'manual_review', seq: 1 });
    expect(probe.of('status_update')).toHaveLength(0);
    probe.close();
  });

  it('answers bad frames with error and keeps the connection', async () => {
    const server = await quietServer({ limits: { maxFrameBytes: 1024 } });
    const jobId = await createJob(server);
    const probe = await WsProbe.open(server.wsUrl);
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /not valid JSON/],
      ['[1,2]', /JSON object with a string "type"/],
      [{ jobId }, /JSON object with a string "type"/],
      [{ type: 'subscribe' }, /"subscribe" needs a "jobId"/],
      [{ type: 'unsubscribe', jobId: 42 }, /"unsubscribe" needs a "jobId"/],
      [{ type: 'launch_rockets', jobId }, /Unknown message type "launch_rockets"/],
      [JSON.stringify({ type: 'subscribe', jobId, padding: 'x'.repeat(2000) }), /larger than the 1024 bytes/],
    ];
    for (const [frame, message] of cases) {
      const before = probe.of('error').length;
      probe.send(frame);
      const error = await probe.nth('error', before + 1);
      expect(error.message).toMatch(message);
      expect(probe.closed).toBe(false);
    }
    probe.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await probe.nth('error', cases.length + 1)).message).toMatch(/Binary frames/);
    await expectAlive(probe, jobId);
    probe.close();
  });

  it('answers a subscribe to an unknown job with error carrying the jobId', async () => {
    const server = await quietServer();
    const probe = await WsProbe.open(server.wsUrl);
    probe.subscribe('no-such-job');
    expect(await probe.nth('error', 1)).toEqual({ type: 'error', jobId: 'no-such-job', message: expect.stringMatching(/Unknown job/) });
    probe.close();
  });

  it('treats a second subscribe as the same subscription (acked again, updates once) and stops after unsubscribe', async () => {
    const server = await quietServer();
    const jobId = await createJob(server);
    const probe = await WsProbe.open(server.wsUrl);
    probe.subscribe(jobId);
    probe.subscribe(jobId);
    await probe.nth('subscribed', 2);
    server.emitStatus?.(jobId, 'processing', 'processing');
    server.emitStatus?.(jobId, 'processing', 'ocr_started');
    await probe.nth('status_update', 2);
    probe.send({ type: 'unsubscribe', jobId });
    await probe.nth('unsubscribed', 1);
    server.emitStatus?.(jobId, 'processing', 'ocr_completed');
    // Frames on one socket arrive in order: once this ack is here, an update sent before it would be too.
    probe.send({ type: 'subscribe', jobId: 'unknown-marker' });
    await probe.nth('error', 1);
    expect(probe.of('status_update').map((u) => u.seq)).toEqual([1, 2]);
    probe.close();
  });

  it('caps subscriptions per connection with an error beyond the cap', async () => {
    const server = await quietServer({ limits: { maxSubscriptionsPerConnection: 2 } });
    const jobs = [await createJob(server, 'A'), await createJob(server, 'B'), await createJob(server, 'C')];
    const probe = await WsProbe.open(server.wsUrl);
    for (const jobId of jobs) probe.subscribe(jobId);
    const error = await probe.nth('error', 1);
    expect(error).toMatchObject({ jobId: jobs[2], message: expect.stringMatching(/already follows 2 jobs/) });
    expect(probe.of('subscribed').map((f) => f.jobId)).toEqual(jobs.slice(0, 2));
    // Making room lets the third in.
    probe.send({ type: 'unsubscribe', jobId: jobs[0] });
    await expectAlive(probe, jobs[2] as string);
    probe.close();
  });
});

describe('WebSocket switches', () => {
  it('snapshot off: the ack carries no state; back on: it does', async () => {
    const server = await quietServer({ snapshot: false });
    const jobId = await createJob(server);
    const probe = await WsProbe.open(server.wsUrl);
    probe.subscribe(jobId);
    expect(await probe.nth('subscribed', 1)).toEqual({ type: 'subscribed', jobId, timestamp: expect.any(String) });
    server.setSnapshot(true);
    probe.subscribe(jobId);
    expect(await probe.nth('subscribed', 2)).toMatchObject({ status: 'queued', seq: 0 });
    probe.close();
  });

  it('webSocket off refuses the upgrade with 404 and drops open sockets; on again accepts', async () => {
    const server = await quietServer({ webSocket: false });
    expect((await upgradeStatus(server.wsUrl)).status).toBe(404);
    server.setWebSocket(true);
    const probe = await WsProbe.open(server.wsUrl);
    server.setWebSocket(false);
    await waitFor(() => probe.closed, 'socket dropped when the endpoint was turned off');
    const refused = await upgradeStatus(server.wsUrl);
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'not_found' });
  });

  it('a token guards the upgrade: 401 without, 403 wrong, 101 right', async () => {
    const server = await quietServer({ token: 'tok' });
    expect((await upgradeStatus(server.wsUrl)).status).toBe(401);
    expect((await upgradeStatus(server.wsUrl, { Authorization: 'Bearer bad' })).status).toBe(403);
    expect((await upgradeStatus(server.wsUrl, { Authorization: 'Bearer tok' })).status).toBe(101);
    expect((await upgradeStatus(server.wsUrl.replace('/api/ws', '/api/elsewhere'))).status).toBe(404);
  });

  it('dropAllSockets terminates every connection; new ones work', async () => {
    const server = await quietServer();
    const jobId = await createJob(server);
    const probes = await Promise.all([1, 2, 3].map(() => WsProbe.open(server.wsUrl)));
    server.dropAllSockets();
    await waitFor(() => probes.every((p) => p.closed), 'all sockets closed');
    const fresh = await WsProbe.open(server.wsUrl);
    await expectAlive(fresh, jobId);
    expect(server.stats.wsConnections).toBe(4);
    fresh.close();
  });

  it('silenceSockets: open sockets get no frames, no pings and no pongs; new sockets are normal', async () => {
    const server = await quietServer({ pingMs: 40 });
    const jobId = await createJob(server);
    const silent = await WsProbe.open(server.wsUrl);
    silent.subscribe(jobId);
    await silent.nth('subscribed', 1);
    server.silenceSockets();
    const pingsAtSilence = silent.pings.length;
    let pongs = 0;
    silent.socket.on('pong', () => (pongs += 1));
    silent.socket.ping();
    silent.subscribe(jobId);
    server.emitStatus?.(jobId, 'processing', 'processing');

    const control = await WsProbe.open(server.wsUrl);
    control.subscribe(jobId);
    await control.nth('subscribed', 1);
    server.emitStatus?.(jobId, 'processing', 'ocr_started');
    await control.nth('status_update', 1);
    // The control socket counts server pings; many ping periods pass while the silenced one hears nothing.
    await waitFor(() => control.pings.length >= 5, 'five pings on the normal socket');
    expect(silent.pings.length).toBe(pingsAtSilence);
    expect(silent.of('subscribed')).toHaveLength(1);
    expect(silent.of('status_update')).toHaveLength(0);
    expect(pongs).toBe(0);
    expect(silent.closed).toBe(false); // half-open, not closed: the client's watchdog must notice
    silent.close();
    control.close();
  });

  it('setPingReplies(false) stops pongs on open sockets; true brings them back', async () => {
    const server = await quietServer();
    const probe = await WsProbe.open(server.wsUrl);
    let pongs = 0;
    probe.socket.on('pong', () => (pongs += 1));
    probe.socket.ping();
    probe.subscribe('marker-1');
    await probe.nth('error', 1);
    expect(pongs).toBe(1);

    server.setPingReplies(false);
    probe.socket.ping();
    // The server handles frames in order: a pong would have been sent before this error.
    probe.subscribe('marker-2');
    await probe.nth('error', 2);
    await waitFor(() => probe.of('error').length === 2, 'marker answered');
    expect(pongs).toBe(1);

    server.setPingReplies(true);
    probe.socket.ping();
    await waitFor(() => pongs === 2, 'pong after replies were turned back on');
    probe.close();
  });

  it('pings every pingMs and terminates a client that stops answering them', async () => {
    const pingMs = 100;
    const server = await quietServer({ pingMs });
    const healthy = await WsProbe.open(server.wsUrl);
    const mute = await WsProbe.open(server.wsUrl, { autoPong: false });
    await waitFor(() => healthy.pings.length >= 6, 'six pings');
    // Measured over five intervals, so one late delivery cannot make a gap look short; the upper
    // bound is loose for loaded machines but still tells 100 ms from the 30 s default or from 10 ms.
    const span = (healthy.pings[5] as number) - (healthy.pings[0] as number);
    expect(span).toBeGreaterThanOrEqual(5 * pingMs - 100);
    expect(span).toBeLessThanOrEqual(5 * pingMs * 3);
    await waitFor(() => mute.closed, 'the client that never pongs is terminated');
    expect(mute.pings.length).toBeGreaterThanOrEqual(1);
    expect(mute.pings.length).toBeLessThanOrEqual(2);
    expect(healthy.closed).toBe(false);
    healthy.close();
  });
});
