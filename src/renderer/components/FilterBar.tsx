/** All / Active / Completed / Failed / Blocked / Cancelled, with counts; a tablist so arrows (and Home/End) move between them. */
import type { KeyboardEvent } from 'react';
import { JOB_FILTERS, type JobFilter } from '../store/jobList';

const LABELS: Record<JobFilter, string> = { all: 'All', active: 'Active', completed: 'Completed', failed: 'Failed', blocked: 'Blocked', cancelled: 'Cancelled' };

export interface FilterBarProps {
  filter: JobFilter;
  counts: Record<JobFilter, number>;
  onChange: (filter: JobFilter) => void;
}

export function FilterBar({ filter, counts, onChange }: FilterBarProps) {
  const onKeyDown = (event: KeyboardEvent) => {
    const last = JOB_FILTERS.length - 1;
    const here = JOB_FILTERS.indexOf(filter);
    const to: Record<string, number> = { ArrowRight: here === last ? 0 : here + 1, ArrowLeft: here === 0 ? last : here - 1, Home: 0, End: last };
    const index = to[event.key];
    if (index === undefined) return;
    event.preventDefault();
    const next = JOB_FILTERS[index] as JobFilter;
    onChange(next);
    document.getElementById(`filter-${next}`)?.focus();
  };
  return (
    <div className="filters" role="tablist" aria-label="Show jobs" onKeyDown={onKeyDown}>
      {JOB_FILTERS.map((name) => (
        <button
          key={name}
          id={`filter-${name}`}
          type="button"
          role="tab"
          aria-selected={filter === name}
          tabIndex={filter === name ? 0 : -1}
          className={`filter${filter === name ? ' filter-selected' : ''}${name === 'failed' && counts.failed > 0 ? ' filter-alert' : ''}`}
          onClick={() => onChange(name)}
        >
          {LABELS[name]} <span className="count">{counts[name]}</span>
        </button>
      ))}
    </div>
  );
}
