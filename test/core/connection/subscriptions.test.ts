import { describe, expect, it } from 'vitest';
import { GenerationSubscriptions } from '../../../src/core/connection/subscriptions';

describe('GenerationSubscriptions', () => {
  it('hands out batches of unsent jobs, one batch waiting at a time', () => {
    const book = new GenerationSubscriptions();
    const wanted = ['a', 'b', 'c', 'd', 'e'];
    expect(book.takeBatch(wanted, 2)).toEqual(['a', 'b']);
    expect(book.takeBatch(wanted, 2)).toEqual([]);
    expect(book.settle('a')).toBe(true);
    expect(book.takeBatch(wanted, 2)).toEqual([]);
    expect(book.settle('b')).toBe(true);
    expect(book.takeBatch(wanted, 2)).toEqual(['c', 'd']);
    expect(book.settle('c')).toBe(true);
    expect(book.settle('d')).toBe(true);
    expect(book.takeBatch(wanted, 2)).toEqual(['e']);
    expect(book.isSent('c')).toBe(true);
  });

  it('never sends a job twice on one socket', () => {
    const book = new GenerationSubscriptions();
    const sent: string[] = [];
    const wanted = ['a', 'b', 'c'];
    for (let round = 0; round < 5; round += 1) {
      const batch = book.takeBatch(wanted, 10);
      sent.push(...batch);
      for (const id of batch) book.settle(id);
    }
    expect(sent).toEqual(['a', 'b', 'c']);
  });

  it('ignores acks it did not wait for, and forgets unsubscribed jobs', () => {
    const book = new GenerationSubscriptions();
    expect(book.settle('x')).toBe(false);
    book.takeBatch(['a'], 5);
    book.forget('a');
    expect(book.waitingCount).toBe(0);
    expect(book.settle('a')).toBe(false);
    expect(book.takeBatch(['a'], 5)).toEqual(['a']);
  });
});
