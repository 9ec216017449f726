import { describe, expect, it } from 'vitest';
import { chartNumberSchema, clientMessageSchema, readJobFromStatusBody, serverMessageSchema } from '../../src/shared/protocol';
import { canonicalServerUrl, deriveWebSocketUrl, withoutTrailingSlashes } from '../../src/shared/serverUrl';
import { chartNumberProblem } from '../../src/shared/chartNumber';

describe('chart numbers', () => {
  it.each(['A', 'abc-123', 'x.y_z', 'a'.repeat(64)])('accepts %s', (v) => {
    expect(chartNumberSchema.safeParse(v).success).toBe(true);
    expect(chartNumberProblem(v)).toBeNull();
  });
  it.each([
    ['', /required/],
    ['a'.repeat(65), /65 characters/],
    ['a b', /" "/],
    ['a/b', /"\/"/],
    ['Müller', /"ü"/],
  ])('refuses %j', (v, reason) => {
    expect(chartNumberSchema.safeParse(v).success).toBe(false);
    expect(chartNumberProblem(v)).toMatch(reason);
  });
});

describe('frames', () => {
  it('parses every server message type and drops unknown fields', () => {
    const frames = [
      { type: 'subscribed', jobId: 'j', timestamp: 't', status: 'processing', phase: 'ocr_started', message: 'm', seq: 2, extra: 1 },
      { type: 'subscribed', jobId: 'j', timestamp: 't' },
      { type: 'unsubscribed', jobId: 'j', timestamp: 't' },
      { type: 'status_update', jobId: 'j', status: 'failed', phase: 'failed', message: 'm', timestamp: 't', seq: 3, attempt: 1, maxAttempts: 3, willRetry: true },
      { type: 'status_update', jobId: 'j', status: 'processing', phase: 'new_phase', timestamp: 't' },
      { type: 'error', message: 'bad' },
    ];
    for (const frame of frames) {
      const parsed = serverMessageSchema.parse(frame);
      expect(parsed.type).toBe(frame.type);
      expect(parsed).not.toHaveProperty('extra');
    }
  });
  it.each([
    { type: 'status_update', jobId: 'j' },
    { type: 'nope', jobId: 'j' },
    { type: 'status_update', jobId: '', status: 's', phase: 'p', timestamp: 't' },
    { type: 'status_update', jobId: 'j', status: 's', phase: 'p', timestamp: 't', seq: -1 },
  ])('refuses a malformed server frame %#', (frame) => {
    expect(serverMessageSchema.safeParse(frame).success).toBe(false);
  });

  it("a failure's retry fields that do not parse are dropped, as in a status read: the failure itself still arrives", () => {
    const frame = { type: 'status_update', jobId: 'j', status: 'failed', phase: 'failed', message: 'm', timestamp: 't', seq: 4, attempt: 0, maxAttempts: 'three', willRetry: 'no' };
    expect(serverMessageSchema.parse(frame)).toEqual({ type: 'status_update', jobId: 'j', status: 'failed', phase: 'failed', message: 'm', timestamp: 't', seq: 4 });
    const good = { ...frame, attempt: 2, maxAttempts: 3, willRetry: true };
    expect(serverMessageSchema.parse(good)).toMatchObject({ attempt: 2, maxAttempts: 3, willRetry: true });
  });
  it('parses client messages', () => {
    expect(clientMessageSchema.parse({ type: 'subscribe', jobId: 'a' })).toEqual({ type: 'subscribe', jobId: 'a' });
    expect(clientMessageSchema.safeParse({ type: 'subscribe' }).success).toBe(false);
  });
});

describe('readJobFromStatusBody', () => {
  it('finds the job in jobs[]', () => {
    const body = {
      chartNumber: 'c',
      jobs: [
        { jobId: 'a', status: 'processing', phase: 'ocr_started', message: 'x', timestamp: 't1', seq: 2 },
        { jobId: 'b', status: 'completed', phase: 'completed', message: 'y', timestamp: 't2', seq: 7 },
      ],
      results: null,
    };
    expect(readJobFromStatusBody(body, 'b')).toEqual({
      jobId: 'b', status: 'completed', phase: 'completed', message: 'y', timestamp: 't2', seq: 7,
    });
    expect(readJobFromStatusBody(body, 'zzz')).toBeNull();
  });
  it('falls back to top-level fields on servers without jobs[]', () => {
    expect(readJobFromStatusBody({ status: 'completed', phase: 'completed', message: 'done', other: 1 }, 'a')).toEqual({
      jobId: 'a', status: 'completed', phase: 'completed', message: 'done',
    });
  });
  it('returns null for bodies it cannot read, never throws', () => {
    for (const body of [null, 42, 'x', [], {}, { jobs: 'nope' }]) expect(readJobFromStatusBody(body, 'a')).toBeNull();
  });
});

describe('readJobFromStatusBody tolerance', () => {
  it('an optional field of the wrong type is treated as absent, not as an unreadable body', () => {
    const body = { chartNumber: 7, jobs: [{ jobId: 'a', status: 'processing', phase: 'ocr_started', timestamp: 1767225600, seq: '4', willRetry: 'no' }] };
    expect(readJobFromStatusBody(body, 'a')).toEqual({ jobId: 'a', status: 'processing', phase: 'ocr_started', message: '' });
  });

  it("a server's long message (a traceback) is kept, cut to 10,000 characters, as the socket's frames cut it", () => {
    const traceback = 'Traceback: '.padEnd(25_000, 'x');
    const inList = readJobFromStatusBody({ jobs: [{ jobId: 'a', status: 'failed', phase: 'failed', message: traceback }] }, 'a');
    const atTop = readJobFromStatusBody({ status: 'failed', phase: 'failed', message: traceback }, 'a');
    for (const snapshot of [inList, atTop]) expect(snapshot).toMatchObject({ status: 'failed', message: traceback.slice(0, 10_000) });
  });

  it('a jobs field that is not a list falls back to the top-level status', () => {
    expect(readJobFromStatusBody({ jobs: 'none', status: 'processing', phase: 'ai_started', seq: 3 }, 'a')).toMatchObject({ phase: 'ai_started', seq: 3 });
  });
});

describe('deriveWebSocketUrl', () => {
  it.each([
    ['https://ai.example.org/api', 'wss://ai.example.org/api/ws'],
    ['http://127.0.0.1:8080/api/', 'ws://127.0.0.1:8080/api/ws'],
    ['http://host/', 'ws://host/ws'],
  ])('%s → %s', (base, ws) => expect(deriveWebSocketUrl(base)).toBe(ws));
});

describe('readJobFromStatusBody: what a §2 body must hold', () => {
  it('a body or entry with only a status, or only a phase, still tells the state (one stands for the other)', () => {
    expect(readJobFromStatusBody({ status: 'processing' }, 'a')).toStrictEqual({ jobId: 'a', status: 'processing', phase: 'processing', message: '' });
    expect(readJobFromStatusBody({ phase: 'ocr_started' }, 'a')).toStrictEqual({ jobId: 'a', status: 'ocr_started', phase: 'ocr_started', message: '' });
    expect(readJobFromStatusBody({ jobs: [{ jobId: 'a', phase: 'ai_started' }] }, 'a')).toMatchObject({ status: 'ai_started', phase: 'ai_started' });
  });

  it('a body or entry with neither status nor phase tells nothing: null, not an empty state', () => {
    expect(readJobFromStatusBody({ message: 'working', timestamp: 't1' }, 'a')).toBeNull();
    expect(readJobFromStatusBody({ jobs: [{ jobId: 'a', message: 'working', seq: 3 }] }, 'a')).toBeNull();
  });

  it('keeps the retry fields a failure carries, and only the fields the server sent', () => {
    const body = { jobs: [{ jobId: 'a', status: 'failed', phase: 'failed', timestamp: 't9', seq: 9, attempt: 2, maxAttempts: 3, willRetry: true }] };
    expect(readJobFromStatusBody(body, 'a')).toStrictEqual({
      jobId: 'a', status: 'failed', phase: 'failed', message: '', timestamp: 't9', seq: 9, attempt: 2, maxAttempts: 3, willRetry: true,
    });
    expect(readJobFromStatusBody({ jobs: [{ jobId: 'a', status: 'failed', willRetry: false }] }, 'a')).toStrictEqual({
      jobId: 'a', status: 'failed', phase: 'failed', message: '', willRetry: false,
    });
    // Absent means absent: no keys holding undefined (ordering then falls back to rank).
    expect(Object.keys(readJobFromStatusBody({ status: 'processing', phase: 'ocr_started' }, 'a') ?? {})).toEqual(['jobId', 'status', 'phase', 'message']);
  });
});

describe('server URLs', () => {
  it('withoutTrailingSlashes drops every trailing slash, and only those', () => {
    expect(withoutTrailingSlashes('https://ai.example.org/api///')).toBe('https://ai.example.org/api');
    expect(withoutTrailingSlashes('/a//b')).toBe('/a//b');
  });

  it('canonicalServerUrl: one name however the URL is written; unparseable text stays as it is', () => {
    expect(canonicalServerUrl('HTTPS://AI.Example.org:443/api/')).toBe('https://ai.example.org/api');
    expect(canonicalServerUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(canonicalServerUrl('not a url/')).toBe('not a url/');
  });
});
