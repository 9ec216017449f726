import { describe, expect, it } from 'vitest';
import { phaseLabel, phaseRank } from '../../src/shared/phases';

describe('phase labels', () => {
  it('labels the known phases', () => {
    expect(phaseLabel('ocr_started')).toBe('OCR started');
    expect(phaseLabel('failed')).toBe('Failed');
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'virus_scan'])('shows the unknown phase %s as the server named it', (phase) => {
    expect(phaseLabel(phase)).toBe(phase);
    expect(phaseRank(phase)).toBe(0);
  });
});

describe('phase ranks', () => {
  it('the other ends of a job (failed, cancelled, blocked) rank alike, above every pipeline phase', () => {
    const ends = ['failed', 'cancelled', 'blocked'].map(phaseRank);
    expect(new Set(ends).size).toBe(1);
    expect(ends[0]).toBeGreaterThan(phaseRank('completed'));
  });
});
