// @vitest-environment happy-dom
/**
 * The window under a stream of deltas: an update re-renders the one row of
 * that job (the list itself does not render; the row's DOM changes and no
 * other), an update of a job off screen renders nothing, and the counts
 * follow. Renders are counted, not timed: the list is the only caller of
 * useNow(1000) and every row render computes its status line once.
 */
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/components/App';
import type * as StatusLineModule from '../../src/renderer/components/jobStatusLine';
import type * as UseNowModule from '../../src/renderer/hooks/useNow';
import { IntakeStore } from '../../src/renderer/store/intakeStore';
import { IntakeContext } from '../../src/renderer/store/useIntake';
import type { QueueJob } from '../../src/shared/queueJob';
import { fakeBridge, giveListHeight, snapshotOf, type FakeBridge } from './fakeBridge';
import { T0, job, server } from './jobFixtures';

const renders = vi.hoisted(() => ({ list: 0, rows: 0 }));
vi.mock('../../src/renderer/hooks/useNow', async (original) => {
  const actual = await original<typeof UseNowModule>();
  return { useNow: (intervalMs: number, active?: boolean) => (intervalMs === 1000 && (renders.list += 1), actual.useNow(intervalMs, active)) };
});
vi.mock('../../src/renderer/components/jobStatusLine', async (original) => {
  const actual = await original<typeof StatusLineModule>();
  return { jobStatusLine: (...args: Parameters<typeof actual.jobStatusLine>) => ((renders.rows += 1), actual.jobStatusLine(...args)) };
});

const JOBS = 10_000;

beforeEach(() => giveListHeight());
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function tracking(i: number, message = `step ${i}`): QueueJob {
  return job({ id: `j${i}`, chartNumber: `CH-${i}`, createdAt: T0 + i, stage: 'tracking', jobId: `srv-${i}`, server: server({ jobId: `srv-${i}`, message }) });
}

async function renderQueue(): Promise<{ bridge: FakeBridge; container: HTMLElement }> {
  const bridge = fakeBridge(snapshotOf(Array.from({ length: JOBS }, (_, i) => tracking(i))));
  const store = new IntakeStore(bridge);
  await store.start();
  const view = render(
    <IntakeContext.Provider value={{ store, bridge }}>
      <App />
    </IntakeContext.Provider>,
  );
  await act(async () => undefined);
  return { bridge, container: view.container };
}

/** The data-job-id of every row whose DOM changed while `run` ran ('outside' for a change outside the rows). */
async function rowsTouchedBy(container: HTMLElement, run: () => void): Promise<Set<string>> {
  const touched = new Set<string>();
  const note = (records: MutationRecord[]) => {
    for (const record of records) {
      const node = record.target instanceof Element ? record.target : record.target.parentElement;
      touched.add(node?.closest('[data-job-id]')?.getAttribute('data-job-id') ?? 'outside');
    }
  };
  const observer = new MutationObserver(note);
  observer.observe(container, { subtree: true, childList: true, characterData: true, attributes: true });
  renders.list = 0;
  renders.rows = 0;
  act(run);
  await act(async () => undefined);
  note(observer.takeRecords());
  observer.disconnect();
  return touched;
}

describe('the job list under a stream of deltas', () => {
  it('a new job re-renders the list once and draws its row at the top', async () => {
    const { bridge, container } = await renderQueue();
    await rowsTouchedBy(container, () => bridge.emit('jobs', [{ type: 'upsert', job: tracking(JOBS, 'new') }]));
    expect(renders.list).toBe(1);
    expect(container.querySelector('[data-job-id]')?.getAttribute('data-job-id')).toBe(`j${JOBS}`);
  });

  it(`an update of one of ${JOBS.toLocaleString('en-US')} jobs changes that row's DOM and nothing else`, async () => {
    const { bridge, container } = await renderQueue();
    const newest = `j${JOBS - 1}`;
    expect(container.querySelector(`[data-job-id="${newest}"]`)).not.toBeNull();
    const rows = container.querySelectorAll('[data-job-id]').length;
    expect(rows).toBeGreaterThan(3);
    expect(rows).toBeLessThan(30); // virtualized

    const touched = await rowsTouchedBy(container, () => bridge.emit('jobs', [{ type: 'upsert', job: tracking(JOBS - 1, 'AI analysis started') }]));
    expect([...touched]).toEqual([newest]);
    expect(renders).toEqual({ list: 0, rows: 1 });
    expect(container.querySelector(`[data-job-id="${newest}"] .row-status`)?.textContent).toBe('AI analysis started');
  });

  it('an update of a job that is off screen changes no DOM', async () => {
    const { bridge, container } = await renderQueue();
    expect(container.querySelector('[data-job-id="j0"]')).toBeNull();
    const touched = await rowsTouchedBy(container, () => bridge.emit('jobs', [{ type: 'upsert', job: tracking(0, 'far below') }]));
    expect([...touched]).toEqual([]);
    expect(renders).toEqual({ list: 0, rows: 0 });
  });

  it('a job that finishes moves between the filter counts', async () => {
    const { bridge } = await renderQueue();
    const count = (name: string) => screen.getByRole('tab', { name: new RegExp(`^${name}`) }).querySelector('.count')?.textContent;
    expect([count('All'), count('Active'), count('Completed')]).toEqual(['10000', '10000', '0']);
    act(() => bridge.emit('jobs', [{ type: 'upsert', job: { ...tracking(5), stage: 'completed' } }]));
    expect([count('All'), count('Active'), count('Completed')]).toEqual(['10000', '9999', '1']);
  });
});
