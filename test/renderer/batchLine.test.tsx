// @vitest-environment happy-dom
/**
 * The batch line on the jobs of a multi-chart batch (seed 004): Intake's own
 * count of the batch's jobs until the server reports, then the server's
 * `batch:update` figures as they come over the bridge; a job outside any batch
 * shows no line.
 */
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/components/App';
import { batchLine } from '../../src/renderer/store/batchLine';
import { IntakeStore } from '../../src/renderer/store/intakeStore';
import { IntakeContext } from '../../src/renderer/store/useIntake';
import type { BatchProgress } from '../../src/shared/batchProgress';
import { fakeBridge, giveListHeight, snapshotOf } from './fakeBridge';
import { T0, job, server } from './jobFixtures';

beforeEach(() => giveListHeight());
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const update = (patch: Partial<BatchProgress>): BatchProgress => ({ batchId: 'b-1', total: null, completed: null, progress: null, status: 'PROCESSING', message: '', ...patch });

describe('batch line', () => {
  it('own count first, then the server’s batch:update on every job of that batch; none on a lone job', async () => {
    const jobs = [
      job({ id: 'a', chartNumber: 'B-1', createdAt: T0 + 1, batchId: 'b-1', stage: 'completed', jobId: 's-a', server: server({ jobId: 's-a', status: 'completed' }) }),
      job({ id: 'b', chartNumber: 'B-2', createdAt: T0 + 2, batchId: 'b-1', stage: 'tracking', jobId: 's-b', server: server({ jobId: 's-b' }) }),
      job({ id: 'c', chartNumber: 'B-3', createdAt: T0 + 3, batchId: 'b-1', stage: 'tracking', jobId: 's-c', server: server({ jobId: 's-c' }) }),
      job({ id: 'd', chartNumber: 'LONE', createdAt: T0 + 4, stage: 'tracking', jobId: 's-d', server: server({ jobId: 's-d' }) }),
    ];
    const bridge = fakeBridge(snapshotOf(jobs));
    const store = new IntakeStore(bridge);
    await store.start();
    const { container } = render(
      <IntakeContext.Provider value={{ store, bridge }}>
        <App />
      </IntakeContext.Provider>,
    );
    await act(async () => undefined);
    const lineOf = (id: string) => container.querySelector(`[data-job-id="${id}"] [data-testid="row-batch"]`)?.textContent ?? null;
    expect(['a', 'b', 'c'].map(lineOf)).toEqual(Array(3).fill('Batch: 1 of 3 done · 33 %'));
    expect(lineOf('d')).toBeNull();

    // Intake's count follows the jobs while the server says nothing.
    act(() => bridge.emit('jobs', [{ type: 'patch', id: 'b', fields: [{ path: ['stage'], value: 'completed' }] }]));
    expect(lineOf('c')).toBe('Batch: 2 of 3 done · 67 %');

    const sourceOf = (id: string) => container.querySelector(`[data-job-id="${id}"] [data-testid="row-batch"]`)?.getAttribute('data-source');
    expect(sourceOf('a')).toBe('intake');
    act(() => bridge.emit('batch', update({ total: 3, completed: 2, progress: 80 })));
    expect(sourceOf('a')).toBe('server');
    expect(['a', 'b', 'c'].map(lineOf)).toEqual(Array(3).fill('Batch: 2 of 3 done · 80 %'));
    act(() => bridge.emit('batch', update({ batchId: 'other', total: 9, completed: 9, progress: 100 })));
    expect(lineOf('a')).toBe('Batch: 2 of 3 done · 80 %');
    expect(lineOf('d')).toBeNull();
  });

  it('words: the server’s figures win field by field, the percentage is clamped, a batch of one says nothing', () => {
    expect(batchLine(undefined, { total: 1, done: 0 })).toBeNull();
    expect(batchLine(update({ progress: 50 }), { total: 4, done: 1 })).toBe('Batch: 1 of 4 done · 50 %');
    expect(batchLine(update({ total: 5, completed: 5, progress: 140 }), { total: 2, done: 0 })).toBe('Batch: 5 of 5 done · 100 %');
    expect(batchLine(undefined, { total: 4, done: 3 })).toBe('Batch: 3 of 4 done · 75 %');
  });
});
