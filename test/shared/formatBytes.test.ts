import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/shared/formatBytes';

describe('formatBytes (decimal units, as file managers show sizes)', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1_000, '1 KB'],
    [1_536, '1.5 KB'],
    [43_200_000, '43 MB'],
    [101_000_000, '101 MB'],
    [2_000_000_000, '2 GB'],
    [5e15, '5000 TB'],
    [-1, '—'],
    [Number.NaN, '—'],
  ])('formatBytes(%d) = %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});
