import { describe, expect, it } from 'vitest';
import { JsonOutput } from '../../src/cli/output/jsonOutput';
import { sampleJob, trackedJob } from '../support/sampleJob';

function setup() {
  const out: string[] = [];
  const err: string[] = [];
  let now = Date.parse('2026-01-01T00:00:00.000Z');
  const output = new JsonOutput({ out: { write: (t: string) => out.push(t) }, err: { write: (t: string) => err.push(t) }, now: () => now });
  return {
    output,
    err,
    lines: () => out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
    advance: (ms: number) => (now += ms),
  };
}

describe('JsonOutput', () => {
  it('writes one object per line with event and ISO at, for every kind of event', () => {
    const { output, lines } = setup();
    output.queued(sampleJob());
    output.uploaded(sampleJob({ stage: 'tracking', jobId: 'srv-1' }));
    output.phase(trackedJob('ocr_started', 2));
    output.connection({ state: 'reconnecting', reason: 'socket closed', nextTryAt: 0, attempt: 1 });
    output.connection({ state: 'polling', reason: 'WebSocket: the proxy wants credentials', nextTryAt: 0, attempt: 2, problem: { step: 'proxy_auth', message: 'wants credentials' } });
    output.done({ id: 'local-1', chartNumber: 'A-100', jobId: 'srv-1', outcome: 'completed', message: '', reasons: [] });
    const all = lines();
    expect(all.map((l) => l.event)).toEqual(['queued', 'uploaded', 'phase', 'connection', 'connection', 'done']);
    for (const line of all) expect(line.at).toBe('2026-01-01T00:00:00.000Z');
    expect(all[0]).toMatchObject({ chartNumber: 'A-100', files: [{ name: 'scan.pdf', size: 2048, type: 'pdf' }] });
    expect(all[1]).toMatchObject({ jobId: 'srv-1' });
    expect(all[2]).toMatchObject({ jobId: 'srv-1', status: 'processing', phase: 'ocr_started', message: 'now ocr_started', seq: 2 });
    expect(all[3]).toEqual({ event: 'connection', at: expect.any(String), state: 'reconnecting', reason: 'socket closed' });
    expect(all[4]).toEqual({ event: 'connection', at: expect.any(String), state: 'polling', reason: 'WebSocket: the proxy wants credentials', step: 'proxy_auth' });
    expect(all[5]).toMatchObject({ chartNumber: 'A-100', jobId: 'srv-1', outcome: 'completed', message: '' });
  });

  it('adds retry fields to failed phases and reasons to refused jobs', () => {
    const { output, lines } = setup();
    output.phase(trackedJob('failed', 4, { status: 'failed', attempt: 1, maxAttempts: 3, willRetry: true }));
    output.done({ id: null, chartNumber: 'A', jobId: null, outcome: 'rejected', message: 'Nothing to upload.', reasons: ['a.pdf: empty'] });
    expect(lines()[0]).toMatchObject({ attempt: 1, maxAttempts: 3, willRetry: true });
    expect(lines()[1]).toMatchObject({ jobId: null, outcome: 'rejected', reasons: ['a.pdf: empty'] });
  });

  it('throttles upload progress per job but always reports the last byte', () => {
    const { output, lines, advance } = setup();
    const progress = (id: string, sent: number) =>
      output.progress(sampleJob({ id, stage: 'uploading', upload: { sentBytes: sent, totalBytes: 1000, bytesPerSecond: 10, etaSeconds: 1 } }));
    progress('a', 100);
    advance(100);
    progress('a', 200); // too soon
    progress('b', 100); // another job has its own budget
    advance(450);
    progress('a', 300);
    advance(10);
    progress('a', 1000); // finished: always out
    const sent = lines().map((l) => [l.id, l.sentBytes]);
    expect(sent).toEqual([['a', 100], ['b', 100], ['a', 300], ['a', 1000]]);
  });

  it('reports a scheduled upload retry with the attempt, reason and next try time', () => {
    const { output, lines } = setup();
    const next = Date.parse('2026-01-01T00:00:04.000Z');
    output.retrying(sampleJob({ stage: 'uploading', uploadAttempts: 1, nextUploadAt: next, error: { code: 'network', message: 'Connection refused.' } }));
    expect(lines()).toEqual([
      {
        event: 'upload_retry',
        at: '2026-01-01T00:00:00.000Z',
        id: 'local-1',
        chartNumber: 'A-100',
        attempt: 1,
        code: 'network',
        message: 'Connection refused.',
        nextTryAt: '2026-01-01T00:00:04.000Z',
      },
    ]);
  });

  it('sends warnings to stderr, not into the JSON stream', () => {
    const { output, lines, err } = setup();
    output.warning('state file was corrupt');
    expect(lines()).toEqual([]);
    expect(err.join('')).toBe('intake: warning: state file was corrupt\n');
  });
});
