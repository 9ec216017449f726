/**
 * The pure pieces of the server: magic bytes, the streaming PDF page counter
 * (chunk boundaries, `/Pages` vs `/Page`), and command-line parsing.
 */
import { describe, expect, it } from 'vitest';
import { parseFailPlan } from '../../src/server/failPlanSpec';
import { detectDocumentType } from '../../src/shared/documentType';
import { PdfPageCounter } from '../../src/server/pdfPageCounter';
import { parseServerArgs } from '../../src/server/serverArgs';
import { jpegBytes, pdfWithPages, pngBytes, tiffBytes } from './fixtures/sampleDocuments';

function countInChunks(bytes: Buffer, chunkSize: number): number {
  const counter = new PdfPageCounter();
  for (let at = 0; at < bytes.length; at += chunkSize) counter.push(bytes.subarray(at, at + chunkSize));
  return counter.finish();
}

describe('detectDocumentType', () => {
  it.each([
    ['pdf', pdfWithPages(1)],
    ['png', pngBytes()],
    ['jpeg', jpegBytes()],
    ['tiff', tiffBytes('II')],
    ['tiff', tiffBytes('MM')],
  ])('recognises %s', (type, bytes) => {
    expect(detectDocumentType(bytes)).toBe(type);
  });

  it.each([
    ['text', Buffer.from('hello world')],
    ['a GIF', Buffer.from('GIF89a......')],
    ['a truncated PNG signature', Buffer.from([0x89, 0x50, 0x4e])],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_name, bytes) => {
    expect(detectDocumentType(bytes)).toBeNull();
  });
});

describe('PdfPageCounter', () => {
  it.each([1, 2, 3, 5, 7, 11, 64, 4096])('counts pages whatever the chunk size (%i bytes)', (chunkSize) => {
    expect(countInChunks(pdfWithPages(9), chunkSize)).toBe(9);
  });

  it('counts /Type /Page but not /Type /Pages, with any spacing', () => {
    const text = '%PDF-1.4 /Type /Pages /Type/Page /Type  /Page>> /Type /PageLabel /Type\n/Page /Type /Pages';
    expect(countInChunks(Buffer.from(text, 'latin1'), 3)).toBe(3);
    expect(countInChunks(Buffer.from(text, 'latin1'), 1000)).toBe(3);
  });

  it('does not count a match split so that only "/Page" is in the last chunk before "s"', () => {
    const text = 'x'.repeat(30) + '/Type /Page' + 's /Kids []';
    expect(countInChunks(Buffer.from(text, 'latin1'), 41)).toBe(0);
  });
});

describe('parseServerArgs', () => {
  it('reads every option, both "--flag value" and "--flag=value"', () => {
    expect(
      parseServerArgs(['--port', '8080', '--host=0.0.0.0', '--phase-ms', '10', '--ping-ms=500', '--fail-rate', '0.25', '--max-attempts', '4', '--token', 't', '--data-dir', '/tmp/x', '--no-snapshot', '--no-ws']),
    ).toEqual({
      kind: 'run',
      options: { port: 8080, host: '0.0.0.0', phaseMs: 10, pingMs: 500, failRate: 0.25, maxAttempts: 4, token: 't', dataDir: '/tmp/x', snapshot: false, webSocket: false },
    });
    expect(parseServerArgs([])).toEqual({ kind: 'run', options: {} });
    expect(parseServerArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--port', '70000'], /--port must be/],
    [['--port'], /--port must be/],
    [['--ping-ms', '0'], /--ping-ms must be/],
    [['--phase-ms', '1.5'], /--phase-ms must be/],
    [['--data-dir', ''], /--data-dir needs a value/],
    [['port'], /Unknown option "port"/],
  ])('refuses %j', (args, message) => {
    const parsed = parseServerArgs(args);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' && parsed.message).toMatch(message);
  });
});

describe('parseFailPlan', () => {
  it('"chart" reads fail<N> from the chart number', () => {
    const plan = parseFailPlan('chart');
    if (typeof plan === 'string') throw new Error(plan);
    expect(plan({ chartNumber: 'C-17-fail2', jobIndex: 0 })).toBe(2);
    expect(plan({ chartNumber: 'FAIL9', jobIndex: 0 })).toBe(9);
    expect(plan({ chartNumber: 'C-17', jobIndex: 0 })).toBe(0);
  });

  it('"every:K=N" rules match job indexes, first rule wins', () => {
    const plan = parseFailPlan('every:10=5, every:3=1');
    if (typeof plan === 'string') throw new Error(plan);
    expect([0, 1, 3, 6, 10, 11, 30].map((jobIndex) => plan({ chartNumber: 'X', jobIndex }))).toEqual([5, 0, 1, 1, 5, 0, 5]);
  });

  it.each(['', 'sometimes', 'every:0=1', 'every:3', 'every:3=x'])('refuses %j', (spec) => {
    expect(parseFailPlan(spec)).toMatch(/--fail-plan must be/);
  });

  it('is reachable from the command line', () => {
    const parsed = parseServerArgs(['--fail-plan', 'chart']);
    expect(parsed.kind === 'run' && parsed.options.failPlan?.({ chartNumber: 'a-fail1', jobIndex: 0 })).toBe(1);
    expect(parseServerArgs(['--fail-plan', 'nope'])).toMatchObject({ kind: 'error', message: expect.stringMatching(/--fail-plan/) });
  });
});
