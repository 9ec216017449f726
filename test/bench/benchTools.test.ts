/**
 * The benchmark's own measuring tools: if these are wrong, every figure is.
 * (The figures themselves are not tests; `npm run bench -- --quick` runs them.)
 */
import { describe, expect, it } from 'vitest';
import { fillSentTime, readStamp, stampMessage } from '../../bench/benchClock';
import { ratioOf } from '../../bench/figure';
import { percentile, summarize } from '../../bench/stats';
import { formatTable } from '../../bench/table';

describe('percentiles (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('takes the value at rank ceil(p × n)', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('summarizes unsorted samples without changing them', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(summarize(samples)).toEqual({ count: 5, p50: 3, p99: 5, max: 5, mean: 3 });
    expect(samples).toEqual([5, 1, 4, 2, 3]);
  });

  it('says NaN, not 0, when there is nothing to summarize', () => {
    expect(summarize([]).p99).toBeNaN();
  });
});

describe('message stamps', () => {
  it('carries the emit time and, once filled in at the socket, the write time', () => {
    const message = stampMessage(1234.56789);
    expect(readStamp(message)).toEqual({ emittedAt: 1234.5679, sentAt: null });
    expect(readStamp(fillSentTime(message, 1240.25))).toEqual({ emittedAt: 1234.5679, sentAt: 1240.25 });
  });

  it('ignores messages that are not stamps', () => {
    expect(readStamp('OCR started')).toBeNull();
    expect(readStamp('bench@not-a-number')).toBeNull();
    expect(readStamp(undefined)).toBeNull();
  });
});

describe('table', () => {
  it('prints value, peer, ratio and a visible NO for a missed target', () => {
    const text = formatTable([
      { name: 'fan-out p99', value: 2.5, unit: 'ms', peer: 'bare ws', peerValue: 1, ratio: ratioOf(2.5, 1), target: '≤ 2 ms', met: false },
      { name: 'requests', value: 0, unit: 'requests', peer: null, peerValue: null, ratio: null, target: '0', met: true },
      { name: 'loop samples', value: 8, unit: 'samples', peer: null, peerValue: null, ratio: null, target: null, met: null },
    ]);
    const [header, , first, second, third] = text.split('\n');
    expect(header).toMatch(/^figure\s+value\s+peer\s+peer value\s+ratio\s+target\s+met$/);
    expect(first).toMatch(/^fan-out p99\s+2\.50 ms\s+bare ws\s+1\.00 ms\s+2\.50×\s+≤ 2 ms\s+NO$/);
    expect(second).toMatch(/^requests\s+0 requests\s+—\s+—\s+—\s+0\s+yes$/);
    expect(third).toMatch(/^loop samples\s+8 samples\s+—\s+—\s+—$/);
  });

  it('has no ratio without a usable peer value', () => {
    expect(ratioOf(1, 0)).toBeNull();
    expect(ratioOf(null, 1)).toBeNull();
    expect(ratioOf(3, 2)).toBe(1.5);
  });
});
