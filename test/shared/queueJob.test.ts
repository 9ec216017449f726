/** The list's order of jobs: newest first, and a fixed order for jobs made in the same millisecond. */
import { describe, expect, it } from 'vitest';
import { isBefore, sortNewestFirst } from '../../src/shared/queueJob';

const at = (id: string, createdAt: number) => ({ id, createdAt });

describe('the order of the list', () => {
  it('newer first, whatever the ids', () => {
    expect(isBefore(at('a', 2), at('b', 1))).toBe(true);
    expect(isBefore(at('b', 1), at('a', 2))).toBe(false);
  });

  it('at the same time the greater id first, so two jobs never swap places from one render to the next', () => {
    expect(isBefore(at('local-2', 5), at('local-1', 5))).toBe(true);
    expect(isBefore(at('local-1', 5), at('local-2', 5))).toBe(false);
    const jobs = [at('local-1', 5), at('local-3', 9), at('local-2', 5), at('local-0', 5)];
    const order = ['local-3', 'local-2', 'local-1', 'local-0'];
    expect(sortNewestFirst(jobs).map((job) => job.id)).toEqual(order);
    expect(sortNewestFirst([...jobs].reverse()).map((job) => job.id)).toEqual(order);
  });
});
