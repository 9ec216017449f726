import { describe, expect, it } from 'vitest';
import { ChangeBatcher } from '../../../src/core/tray/changeBatcher';
import type { QueueChange } from '../../../src/shared/queueJob';
import { FakeClock } from '../../support/fakeClock';

function setup() {
  const clock = new FakeClock();
  const delivered: QueueChange[][] = [];
  const batcher = new ChangeBatcher({ clock, deliver: (changes) => delivered.push(changes) });
  return { clock, delivered, batcher };
}

describe('ChangeBatcher edges', () => {
  it('nothing to send arms no timer and sends no empty message', () => {
    const { clock, delivered, batcher } = setup();
    batcher.push([]);
    expect(clock.pending).toBe(0);
    batcher.flush();
    expect(delivered).toEqual([]);
  });

  it('after dispose, a late push is dropped without arming anything', () => {
    const { clock, delivered, batcher } = setup();
    batcher.dispose();
    batcher.push([{ type: 'remove', id: 'late' }]);
    expect(clock.pending).toBe(0);
    batcher.flush();
    clock.advance(1_000);
    expect(delivered).toEqual([]);
  });
});
