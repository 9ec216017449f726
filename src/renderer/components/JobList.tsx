/**
 * The queue, virtualized: only the rows on screen exist in the DOM, so ten
 * thousand jobs scroll like ten. Keyboard: one row is tabbable (roving
 * tabindex); arrows, Home/End and PageUp/PageDown move it, scrolling the
 * virtual list first because the target row may not be rendered yet.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { QueueJob } from '../../shared/queueJob';
import { useNow } from '../hooks/useNow';
import { JobRow, type JobAction } from './JobRow';

export const ROW_HEIGHT = 136;
const rowHeight = () => ROW_HEIGHT;

export interface JobListProps {
  jobs: readonly QueueJob[];
  onAction: (action: JobAction, job: QueueJob) => void;
  /** Bring this job into view and mark it (from a notification click). */
  focus: { jobId: string; serial: number } | null;
}

export function JobList({ jobs, onAction, focus }: JobListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [highlightId, setHighlightId] = useState<string | null>(null);
  const needsClock = jobs.some((job) => job.nextUploadAt !== null);
  const now = useNow(1000, needsClock);

  // TanStack Virtual returns a mutable instance; React Compiler skips this component, which is fine.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: jobs.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: rowHeight,
    getItemKey: (index) => jobs[index]?.id ?? index,
    overscan: 4,
    // flushSync on every scroll event forces a synchronous render inside the handler; batched renders scroll smoother.
    useFlushSync: false,
  });

  const activeIndex = Math.max(0, activeId === null ? 0 : jobs.findIndex((job) => job.id === activeId));

  const focusIndex = useCallback(
    (index: number) => {
      const target = jobs[Math.min(Math.max(index, 0), jobs.length - 1)];
      if (!target) return;
      setActiveId(target.id);
      virtualizer.scrollToIndex(jobs.indexOf(target), { align: 'auto' });
      // The row exists only once the list has scrolled and rendered, which can take a few frames.
      const selector = `[data-job-id="${CSS.escape(target.id)}"]`;
      const focusWhenRendered = (framesLeft: number) => {
        const row = scrollRef.current?.querySelector<HTMLElement>(selector);
        if (row) row.focus();
        else if (framesLeft > 0) requestAnimationFrame(() => focusWhenRendered(framesLeft - 1));
      };
      requestAnimationFrame(() => focusWhenRendered(30));
    },
    [jobs, virtualizer],
  );

  useEffect(() => {
    if (focus === null) return;
    const index = jobs.findIndex((job) => job.id === focus.jobId);
    if (index < 0) return;
    setHighlightId(focus.jobId);
    focusIndex(index);
    // Only a new focus request moves the view, not every job update.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus?.serial]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      PageDown: activeIndex + page,
      PageUp: activeIndex - page,
      Home: 0,
      End: jobs.length - 1,
    };
    const to = moves[event.key];
    if (to === undefined || !(event.target instanceof HTMLElement) || !event.target.classList.contains('row')) return;
    event.preventDefault();
    focusIndex(to);
  };

  const onFocusRow = useCallback((id: string) => setActiveId(id), []);
  const activeJobId = jobs[activeIndex]?.id;

  return (
    <div className="list-scroll" ref={scrollRef} onKeyDown={onKeyDown} data-testid="job-list">
      <div className="list-inner" role="list" aria-label="Jobs, newest first" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const job = jobs[item.index];
          if (!job) return null;
          return (
            <div key={item.key} className="list-slot" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
              <JobRow
                job={job}
                now={now}
                tabbable={job.id === activeJobId}
                highlighted={job.id === highlightId}
                onAction={onAction}
                onFocusRow={onFocusRow}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}
