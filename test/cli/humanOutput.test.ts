import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock';
import { HumanOutput, REDRAW_MS } from '../../src/cli/output/humanOutput';
import { sampleJob, trackedJob } from '../support/sampleJob';

/** Timers fire only when the test says so. */
function manualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    monotonic: () => now,
    setTimeout: (fn, ms) => {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimeout: (handle) => {
      timers = timers.filter((t) => t !== handle);
    },
  };
  return {
    clock,
    pending: () => timers.length,
    advance(ms: number) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
    },
  };
}

function setup(live: boolean) {
  const writes: string[] = [];
  const err: string[] = [];
  const time = manualClock();
  const output = new HumanOutput({
    out: { write: (t: string) => writes.push(t) },
    err: { write: (t: string) => err.push(t) },
    live,
    columns: () => 60,
    clock: time.clock,
  });
  return { output, writes, err, time };
}

const uploading = (sent: number) =>
  sampleJob({ stage: 'uploading', upload: { sentBytes: sent, totalBytes: 4096, bytesPerSecond: 2048, etaSeconds: 1 } });

describe('HumanOutput, plain (not a terminal)', () => {
  it('prints one plain line per meaningful event and no progress chatter', () => {
    const { output, writes } = setup(false);
    output.queued(sampleJob());
    output.progress(uploading(1024));
    output.uploaded(sampleJob({ jobId: 'srv-1', stage: 'tracking' }));
    output.phase(trackedJob('ocr_started', 2));
    output.done({ id: 'local-1', chartNumber: 'A-100', jobId: 'srv-1', outcome: 'completed', message: '', reasons: [] });
    output.close([{ id: 'local-1', chartNumber: 'A-100', jobId: 'srv-1', outcome: 'completed', message: '', reasons: [] }]);
    expect(writes.join('')).toBe(
      [
        'queued     A-100  1 file, 2 KB',
        'uploaded   A-100  server job srv-1',
        'phase      A-100  OCR started: now ocr_started',
        'completed  A-100  server job srv-1',
        '1 job: 1 completed',
        '',
      ].join('\n'),
    );
    expect(writes.join('')).not.toContain('\x1b');
  });

  it('tells a reconnect loop once, and each change of story (up, down, polling)', () => {
    const { output, writes } = setup(false);
    output.connection({ state: 'connecting', reason: 'starting' });
    output.connection({ state: 'reconnecting', reason: 'refused', nextTryAt: 1, attempt: 1 });
    output.connection({ state: 'connecting', reason: 'retry' });
    output.connection({ state: 'reconnecting', reason: 'refused', nextTryAt: 2, attempt: 2 });
    output.connection({ state: 'polling', reason: 'socket down', nextTryAt: 3, attempt: 3 });
    output.connection({ state: 'connecting', reason: 'retry' });
    output.connection({ state: 'connected', reason: 'socket open' });
    expect(writes.join('')).toBe(
      'connection reconnecting (refused)\nconnection live connection down, polling (socket down)\nconnection connected\n',
    );
  });

  it('names a hot-folder file without a chart as such', () => {
    const { output, writes } = setup(false);
    output.done({ id: null, chartNumber: '', jobId: null, outcome: 'rejected', message: 'loose.pdf: No chart number for this file.', reasons: [] });
    expect(writes.join('')).toBe('rejected   (no chart): loose.pdf: No chart number for this file.\n');
  });

  it('prints a line when an upload try failed and another is scheduled', () => {
    const { output, writes } = setup(false);
    output.retrying(sampleJob({ stage: 'uploading', uploadAttempts: 1, nextUploadAt: 2000, error: { code: 'http_503', message: 'Server busy.' } }));
    expect(writes.join('')).toBe('retrying   A-100  upload try 1 failed (Server busy.); next try in 2s\n');
  });

  it('lists each reason of a refused job and prints connection changes once', () => {
    const { output, writes } = setup(false);
    output.connection({ state: 'reconnecting', reason: 'closed', nextTryAt: 1, attempt: 1 });
    output.connection({ state: 'reconnecting', reason: 'closed', nextTryAt: 2, attempt: 2 });
    output.done({ id: null, chartNumber: 'B', jobId: null, outcome: 'rejected', message: 'No valid files.', reasons: ['a.pdf: empty', 'b.txt: not a PDF'] });
    expect(writes.join('')).toBe(
      'connection reconnecting (closed)\nrejected   B: No valid files.\n             - a.pdf: empty\n             - b.txt: not a PDF\n',
    );
  });
});

describe('HumanOutput, live (a terminal)', () => {
  it('redraws the active jobs in place, at most once per REDRAW_MS, in one write each', () => {
    const { output, writes, time } = setup(true);
    output.queued(sampleJob());
    writes.length = 0;
    for (let sent = 0; sent < 4096; sent += 256) output.progress(uploading(sent));
    expect(writes).toHaveLength(0); // nothing before the redraw timer
    expect(time.pending()).toBe(1);
    time.advance(REDRAW_MS);
    expect(writes).toHaveLength(1);
    const frame = writes[0] as string;
    expect(frame.startsWith('\x1b[?25l\x1b[1F')).toBe(true); // hide cursor, back to the block's first line
    expect(frame).toContain('\x1b[2K  A-100  uploading 93% of 4.1 KB 2 KB/s 1s left\n');
    expect(frame.endsWith('\x1b[J\x1b[?25h')).toBe(true);
  });

  it('prints finished jobs above the block and removes them from it', () => {
    const { output, writes } = setup(true);
    output.queued(sampleJob());
    output.queued(sampleJob({ id: 'local-2', chartNumber: 'B-2' }));
    writes.length = 0;
    output.done({ id: 'local-1', chartNumber: 'A-100', jobId: 'srv-1', outcome: 'completed', message: '', reasons: [] });
    const frame = writes.join('');
    expect(frame).toBe('\x1b[?25l\x1b[2F\x1b[Jcompleted  A-100  server job srv-1\n\x1b[2K  B-2  queued\n\x1b[?25h');
  });

  it('shows a resumed job that was never queued in this run, but never a finished one again', () => {
    const { output, writes, time } = setup(true);
    output.progress(uploading(2048));
    time.advance(REDRAW_MS);
    expect(writes.at(-1)).toContain('A-100  uploading 50%');
    output.done({ id: 'local-1', chartNumber: 'A-100', jobId: 'srv-1', outcome: 'completed', message: '', reasons: [] });
    writes.length = 0;
    output.progress(uploading(4096));
    time.advance(REDRAW_MS);
    expect(writes).toEqual([]);
  });

  it('cuts lines to the terminal width so the cursor arithmetic holds', () => {
    const { output, writes, time } = setup(true);
    output.queued(sampleJob({ chartNumber: 'C'.repeat(64) }));
    output.progress(uploading(1));
    time.advance(REDRAW_MS);
    const lines = (writes.at(-1) as string).split('\x1b[2K').slice(1);
    for (const line of lines) expect(line.split('\x1b[').join('').replace(/\?25[lh]|\d*[FJ]/g, '').replace('\n', '').length).toBeLessThanOrEqual(59);
  });

  it('clears the block and leaves no timer behind on close', () => {
    const { output, writes, time } = setup(true);
    output.queued(sampleJob());
    output.progress(uploading(10));
    output.close([]);
    expect(time.pending()).toBe(0);
    expect(writes.at(-1)).toBe('\x1b[1F\x1b[J');
  });
});
