// @vitest-environment happy-dom
/** The filters: counts per filter, click and arrow keys, and which stages each one shows. */
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { FilterBar } from '../../src/renderer/components/FilterBar';
import { countByFilter, matchesFilter, type JobFilter } from '../../src/renderer/store/jobList';
import { STAGES, type Stage } from '../../src/shared/queueJob';
import { job } from './jobFixtures';

afterEach(cleanup);

const jobs = STAGES.map((stage, index) => job({ id: `j-${stage}`, stage, createdAt: index }));

function Harness({ onChange }: { onChange?: (filter: JobFilter) => void }) {
  const [filter, setFilter] = useState<JobFilter>('all');
  return (
    <FilterBar
      filter={filter}
      counts={countByFilter(jobs)}
      onChange={(next) => {
        setFilter(next);
        onChange?.(next);
      }}
    />
  );
}

describe('filters', () => {
  it('sort every stage into exactly the expected filters', () => {
    const shown = (filter: JobFilter) => jobs.filter((j) => matchesFilter(j, filter)).map((j) => j.stage);
    expect(shown('all')).toEqual([...STAGES]);
    expect(shown('active')).toEqual<Stage[]>(['queued', 'uploading', 'tracking']);
    expect(shown('completed')).toEqual<Stage[]>(['completed']);
    expect(shown('failed')).toEqual<Stage[]>(['failed', 'rejected']);
    expect(shown('cancelled')).toEqual<Stage[]>(['cancelled']);
    expect(shown('blocked')).toEqual<Stage[]>(['blocked']);
    expect(countByFilter(jobs)).toEqual({ all: 8, active: 3, completed: 1, failed: 2, blocked: 1, cancelled: 1 });
  });

  it('show their counts, select on click, and move with the arrow keys', async () => {
    const chosen: JobFilter[] = [];
    render(<Harness onChange={(filter) => chosen.push(filter)} />);
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((tab) => tab.textContent)).toEqual(['All 8', 'Active 3', 'Completed 1', 'Failed 2', 'Blocked 1', 'Cancelled 1']);
    expect(tabs.map((tab) => tab.getAttribute('aria-selected'))).toEqual(['true', 'false', 'false', 'false', 'false', 'false']);
    expect(tabs[3]!.className).toContain('filter-alert'); // failures stand out

    await userEvent.click(screen.getByRole('tab', { name: 'Completed 1' }));
    expect(screen.getByRole('tab', { name: 'Completed 1' }).getAttribute('aria-selected')).toBe('true');
    await userEvent.keyboard('{ArrowRight}');
    expect(document.activeElement?.textContent).toBe('Failed 2');
    await userEvent.keyboard('{ArrowRight}');
    expect(document.activeElement?.textContent).toBe('Blocked 1');
    await userEvent.keyboard('{ArrowRight}');
    expect(document.activeElement?.textContent).toBe('Cancelled 1');
    await userEvent.keyboard('{ArrowRight}'); // wraps around
    await userEvent.keyboard('{ArrowLeft}{ArrowLeft}{ArrowLeft}{ArrowLeft}');
    expect(chosen).toEqual(['completed', 'failed', 'blocked', 'cancelled', 'all', 'cancelled', 'blocked', 'failed', 'completed']);
    // Only the selected tab is in the Tab order.
    expect(screen.getAllByRole('tab').map((tab) => tab.tabIndex)).toEqual([-1, -1, 0, -1, -1, -1]);
  });
});
