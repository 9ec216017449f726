/**
 * What a frame from the backend becomes (PROTOCOL.md §3: one JSON object per
 * text frame): a typed message, or the one reason the operator reads in the
 * log when it is dropped. A bad frame never throws and never costs the
 * connection; a good frame reads the same whichever form ws hands it in.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { readFrame, snapshotFromAck, updateFromStatusFrame, type FrameReading } from '../../../src/core/connection/frameReader';
import { MAX_FRAME_BYTES } from '../../../src/core/connection/timings';
import { ConnectionManager } from '../../../src/core/connection/ConnectionManager';
import type { Logger } from '../../../src/core/base/logger';
import { subscribedMessageSchema, statusUpdateMessageSchema } from '../../../src/shared/protocol';
import { startServer } from '../../support/referenceServer';
import { startWsRelay } from '../../support/wsRelay';
import { uploadJob } from './uploadJobs';
import { waitUntil } from './waitUntil';

const update = {
  type: 'status_update',
  jobId: 'job-1',
  status: 'processing',
  phase: 'ocr_started',
  message: 'OCR running',
  timestamp: '2026-01-01T10:00:00.000Z',
  seq: 3,
};

const text = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** A valid `error` frame of exactly `bytes` bytes (the padding is an unknown field, which readers ignore). */
function frameOfSize(bytes: number): Buffer {
  const empty = JSON.stringify({ type: 'error', message: 'slow down', pad: '' });
  const frame = Buffer.from(JSON.stringify({ type: 'error', message: 'slow down', pad: 'x'.repeat(bytes - empty.length) }));
  expect(frame.length).toBe(bytes);
  return frame;
}

/** The same bytes as ws hands them with binaryType 'arraybuffer' and 'fragments'. */
function asArrayBuffer(buffer: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(buffer.length);
  new Uint8Array(copy).set(buffer);
  return copy;
}
function asFragments(buffer: Buffer, cuts: number[]): Buffer[] {
  const bounds = [0, ...cuts, buffer.length];
  return bounds.slice(1).map((end, i) => buffer.subarray(bounds[i], end));
}

const reasonOf = (reading: FrameReading): string => (reading.ok ? 'ok' : reading.reason);

describe('readFrame', () => {
  it('reads a status update; unknown fields are dropped and an unknown phase is kept as it is', () => {
    const reading = readFrame(text({ ...update, phase: 'virus_scan', extra: { nested: true } }), false);
    expect(reading).toEqual({ ok: true, message: { ...update, phase: 'virus_scan' } });
  });

  it('reads the same frame whether ws hands it as one buffer, an ArrayBuffer or fragments', () => {
    // "é" is two bytes in UTF-8; the cut falls between them, as a fragment boundary may.
    const frame = text({ ...update, message: 'Überprüfung läuft — é' });
    const inside = frame.indexOf(Buffer.from('é')) + 1;
    const expected = { ok: true, message: { ...update, message: 'Überprüfung läuft — é' } };
    expect(readFrame(frame, false)).toEqual(expected);
    expect(readFrame(asArrayBuffer(frame), false)).toEqual(expected);
    expect(readFrame(asFragments(frame, [5, inside]), false)).toEqual(expected);
  });

  it('refuses a binary frame even when it carries valid JSON', () => {
    expect(readFrame(text(update), true)).toEqual({ ok: false, reason: 'binary' });
  });

  it('reads a frame of exactly the size limit and refuses one byte more, in every form', () => {
    const atLimit = frameOfSize(MAX_FRAME_BYTES);
    const over = frameOfSize(MAX_FRAME_BYTES + 1);
    for (const form of [(b: Buffer) => b, asArrayBuffer, (b: Buffer) => asFragments(b, [100, 200_000]), (b: Buffer) => b.toString('utf8')]) {
      expect(reasonOf(readFrame(form(atLimit), false))).toBe('ok');
      expect(readFrame(form(over), false)).toEqual({ ok: false, reason: 'too_large' });
    }
  });

  it('calls a partial frame (cut off mid-object) or an empty one not JSON', () => {
    const whole = text(update);
    expect(readFrame(whole.subarray(0, whole.length - 10), false)).toEqual({ ok: false, reason: 'not_json' });
    expect(readFrame(Buffer.alloc(0), false)).toEqual({ ok: false, reason: 'not_json' });
    expect(readFrame(Buffer.from('status_update job-1 processing'), false)).toEqual({ ok: false, reason: 'not_json' });
  });

  it('calls JSON that is not one object the wrong shape, without throwing', () => {
    for (const value of ['null', '[{"type":"status_update"}]', '42', '"status_update"', 'true']) {
      expect(readFrame(Buffer.from(value), false), value).toEqual({ ok: false, reason: 'wrong_shape' });
    }
  });

  it('calls an object without a known server type an unknown type (another dialect, a newer server)', () => {
    const cases = [{ jobId: 'job-1' }, { type: 42, jobId: 'job-1' }, { type: 'mystery', jobId: 'job-1' }, { type: 'subscribe', jobId: 'job-1' }];
    for (const value of cases) expect(readFrame(text(value), false), JSON.stringify(value)).toEqual({ ok: false, reason: 'unknown_type' });
  });

  it('calls a known type with missing or mistyped fields the wrong shape', () => {
    const cases = [
      { type: 'status_update', jobId: 'job-1' },
      { ...update, seq: '3' },
      { ...update, jobId: '' },
      { type: 'subscribed', timestamp: update.timestamp },
      { type: 'error' },
    ];
    for (const value of cases) expect(readFrame(text(value), false), JSON.stringify(value)).toEqual({ ok: false, reason: 'wrong_shape' });
  });
  it('a long human message (a traceback) is cut to 10,000 characters, not a reason to lose the frame it came with', () => {
    const traceback = 'Traceback (most recent call last):\n' + '  File "ocr.py", line 12, in run\n'.repeat(600);
    expect(traceback.length).toBeGreaterThan(10_000);
    const failed = readFrame(text({ ...update, status: 'failed', phase: 'failed', message: traceback }), false);
    expect(failed).toEqual({ ok: true, message: { ...update, status: 'failed', phase: 'failed', message: traceback.slice(0, 10_000) } });
    const ack = readFrame(text({ type: 'subscribed', jobId: 'job-1', timestamp: update.timestamp, status: 'failed', phase: 'failed', message: traceback }), false);
    expect(ack).toMatchObject({ ok: true, message: { type: 'subscribed', status: 'failed', message: traceback.slice(0, 10_000) } });
    const refusal = readFrame(text({ type: 'error', jobId: 'job-1', message: traceback }), false);
    expect(refusal).toEqual({ ok: true, message: { type: 'error', jobId: 'job-1', message: traceback.slice(0, 10_000) } });
  });
});

describe('a frame as a state machine input', () => {
  it('a status update keeps its seq and retry fields', () => {
    const failed = statusUpdateMessageSchema.parse({ ...update, status: 'failed', phase: 'failed', seq: 9, attempt: 1, maxAttempts: 3, willRetry: true });
    expect(updateFromStatusFrame(failed)).toEqual({
      jobId: 'job-1', status: 'failed', phase: 'failed', message: 'OCR running', timestamp: update.timestamp,
      seq: 9, attempt: 1, maxAttempts: 3, willRetry: true,
    });
  });

  it("an ack's snapshot is the job's state; its message defaults to empty", () => {
    const ack = { type: 'subscribed', jobId: 'job-1', timestamp: update.timestamp };
    const full = subscribedMessageSchema.parse({ ...ack, status: 'processing', phase: 'ai_started', message: 'AI analysis', seq: 5 });
    expect(snapshotFromAck(full)).toEqual({ jobId: 'job-1', status: 'processing', phase: 'ai_started', message: 'AI analysis', timestamp: update.timestamp, seq: 5 });
    const quiet = subscribedMessageSchema.parse({ ...ack, status: 'processing', phase: 'ai_started' });
    expect(snapshotFromAck(quiet)).toEqual({ jobId: 'job-1', status: 'processing', phase: 'ai_started', message: '', timestamp: update.timestamp });
  });

  it('an ack without a whole snapshot (no status, or no phase) carries none: the job is read over REST instead', () => {
    const ack = { type: 'subscribed', jobId: 'job-1', timestamp: update.timestamp };
    expect(snapshotFromAck(subscribedMessageSchema.parse(ack))).toBeNull();
    expect(snapshotFromAck(subscribedMessageSchema.parse({ ...ack, status: 'processing' }))).toBeNull();
    expect(snapshotFromAck(subscribedMessageSchema.parse({ ...ack, phase: 'ocr_started' }))).toBeNull();
  });
});

describe('frames from a live backend', () => {
  it('each is dropped with its own reason in the log, the connection stays, and the job is still followed to its end', async () => {
    const server = await startServer({ phaseMs: 150 });
    const relay = await startWsRelay({ target: () => server.wsUrl });
    onTestFinished(() => relay.close());
    const job = await uploadJob(server.url, 'SECRET-CHART-77');
    const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const lines: string[] = [];
    const line = (message: string, fields?: Record<string, unknown>) => lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
    const logger: Logger = { debug: line, info: line, error: line, warn: (message, fields) => (line(message, fields), warnings.push({ message, fields })) };
    const m = new ConnectionManager({ baseUrl: server.url, wsUrl: relay.url, logger });
    onTestFinished(() => m.dispose());
    m.start();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => m.state.state === 'connected' && m.job(job.jobId)?.seq !== null, 'connected and caught up');

    const whole = JSON.stringify({ ...update, jobId: job.jobId });
    relay.injectToClients(whole.slice(0, 30));
    relay.injectToClients(JSON.stringify({ type: 'job_progress', job_id: job.jobId }));
    relay.injectToClients(JSON.stringify({ type: 'status_update', jobId: job.jobId }));
    relay.injectToClients('null');
    relay.injectToClients(whole, { binary: true });
    relay.injectToClients(frameOfSize(MAX_FRAME_BYTES + 1).toString());
    await waitUntil(() => m.stats.badFrames === 6, 'six bad frames counted');

    expect(warnings).toEqual(
      ['not_json', 'unknown_type', 'wrong_shape', 'wrong_shape', 'binary', 'too_large'].map((reason) => ({ message: 'dropped a bad frame', fields: { reason } })),
    );
    await waitUntil(() => m.job(job.jobId)?.status === 'completed', 'the job completed');
    expect(relay.stats.connections).toBe(1);
    expect(m.stats.reconnects).toBe(0);
    expect(m.stats.badFrames).toBe(6);
    expect(lines.join('\n')).not.toContain('SECRET-CHART-77');
  });

  it('a final failure whose message is a long traceback still ends the job as failed', async () => {
    const server = await startServer({ phaseMs: 60_000 });
    const relay = await startWsRelay({ target: () => server.wsUrl });
    onTestFinished(() => relay.close());
    const job = await uploadJob(server.url, 'TRACE-1');
    const m = new ConnectionManager({ baseUrl: server.url, wsUrl: relay.url });
    onTestFinished(() => m.dispose());
    m.start();
    m.track(job.jobId, { chartNumber: job.chartNumber });
    await waitUntil(() => m.state.state === 'connected' && typeof m.job(job.jobId)?.seq === 'number', 'connected and caught up');
    const seq = (m.job(job.jobId)?.seq as number) + 1;
    const traceback = 'Traceback (most recent call last):\n' + '  File "ai.py", line 7, in analyse\n'.repeat(1_000);
    relay.injectToClients(JSON.stringify({ type: 'status_update', jobId: job.jobId, status: 'failed', phase: 'failed', message: traceback, timestamp: new Date().toISOString(), seq }));
    await waitUntil(() => m.job(job.jobId)?.status === 'failed' || m.stats.badFrames > 0, 'the failure handled');
    expect(m.stats.badFrames).toBe(0);
    expect(m.job(job.jobId)).toMatchObject({ status: 'failed', seq, message: traceback.slice(0, 10_000) });
  });
});
