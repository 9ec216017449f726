/**
 * The queue, virtualized: only the rows on screen exist in the DOM, so ten
 * thousand jobs scroll like ten. Keyboard: one row is tabbable (roving
 * tabindex); arrows, Home/End and PageUp/PageDown move it, scrolling the
 * virtual list first because the target row may not be rendered yet.
 *
 * The list holds ids, not jobs: each row subscribes to its own job, so an
 * update of one job re-renders that row and nothing else (at 10,000 updates/s
 * a list re-rendered per update could not keep up with the frame rate).
 *
 * Focus is never dropped: when an action removes what had focus (Retry turns
 * into Cancel, Remove takes the row away, a job leaves the filter), focus goes
 * to the row, else to the row that took its place, else to the main action.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useEffectEvent, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import type { QueueJob } from '../../shared/queueJob';
import { useNow } from '../hooks/useNow';
import { useBatchLine, useIntake, useJob } from '../store/useIntake';
import { focusFallback, focusIsLost } from './focusFallback';
import { JobRow, type JobAction, type JobRowProps } from './JobRow';

export const ROW_HEIGHT = 136;
const rowHeight = () => ROW_HEIGHT;

export interface JobListProps {
  /** Newest first. */
  ids: readonly string[];
  /** Some job waits out an upload backoff: rows show a countdown, so the clock ticks. */
  countingDown: boolean;
  onAction: (action: JobAction, job: QueueJob) => void;
  /** Bring this job into view and mark it (from a notification click); a new object per request. */
  focus: { jobId: string } | null;
}

export const JobList = memo(function JobList({ ids, countingDown, onAction, focus }: JobListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [highlightId, setHighlightId] = useState<string | null>(null);
  const now = useNow(1000, countingDown);
  // A new function per render would make the virtualizer rebuild its measurements of every row.
  const getItemKey = useCallback((index: number) => ids[index] ?? index, [ids]);

  // TanStack Virtual returns a mutable instance; React Compiler skips this component, which is fine.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: rowHeight,
    getItemKey,
    overscan: 4,
    // flushSync on every scroll event forces a synchronous render inside the handler; batched renders scroll smoother.
    useFlushSync: false,
  });

  const activeIndex = Math.max(0, activeId === null ? 0 : ids.indexOf(activeId));

  const focusIndex = useCallback(
    (index: number) => {
      const at = Math.min(Math.max(index, 0), ids.length - 1);
      const target = ids[at];
      if (target === undefined) return;
      setActiveId(target);
      virtualizer.scrollToIndex(at, { align: 'auto' });
      // The row exists only once the list has scrolled and rendered, which can take a few frames.
      const selector = `[data-job-id="${CSS.escape(target)}"]`;
      const focusWhenRendered = (framesLeft: number) => {
        const row = scrollRef.current?.querySelector<HTMLElement>(selector);
        if (row) row.focus();
        else if (framesLeft > 0) requestAnimationFrame(() => focusWhenRendered(framesLeft - 1));
      };
      requestAnimationFrame(() => focusWhenRendered(30));
    },
    [ids, virtualizer],
  );

  // Only a new focus request moves the view, not every job update: the ids are read, not watched.
  const showRequested = useEffectEvent((jobId: string) => {
    const index = ids.indexOf(jobId);
    if (index < 0) return;
    setHighlightId(jobId);
    focusIndex(index);
  });
  useEffect(() => {
    if (focus !== null) showRequested(focus.jobId);
  }, [focus]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      PageDown: activeIndex + page,
      PageUp: activeIndex - page,
      Home: 0,
      End: ids.length - 1,
    };
    const to = moves[event.key];
    if (to === undefined || !(event.target instanceof HTMLElement) || !event.target.classList.contains('row')) return;
    event.preventDefault();
    focusIndex(to);
  };

  const onFocusRow = useCallback((id: string) => setActiveId(id), []);

  // What had focus in the list, kept until focus moves elsewhere on purpose.
  const lastFocus = useRef<{ id: string; index: number; element: Element } | null>(null);
  const latest = useRef({ ids, focusIndex });
  useLayoutEffect(() => {
    latest.current = { ids, focusIndex };
  });
  const onFocusIn = (event: FocusEvent) => {
    const id = event.target.closest<HTMLElement>('[data-job-id]')?.dataset.jobId;
    if (id !== undefined) lastFocus.current = { id, index: ids.indexOf(id), element: event.target };
  };
  const onFocusOut = (event: FocusEvent) => {
    if (event.relatedTarget !== null && !scrollRef.current?.contains(event.relatedTarget)) lastFocus.current = null;
  };
  useEffect(() => {
    const list = scrollRef.current;
    if (list === null) return;
    const rescue = () => {
      const lost = lastFocus.current;
      if (lost === null || !focusIsLost()) return;
      const { ids: now, focusIndex: focusAt } = latest.current;
      const row = list.querySelector<HTMLElement>(`[data-job-id="${CSS.escape(lost.id)}"]`);
      if (lost.element.isConnected || (row === null && now.includes(lost.id))) {
        // Still there (the user clicked away) or only scrolled out of the virtual window: not ours to move.
        lastFocus.current = null;
      } else if (row !== null) row.focus();
      else focusAt(Math.min(lost.index, now.length - 1));
    };
    const observer = new MutationObserver(rescue);
    observer.observe(list, { childList: true, subtree: true });
    return () => {
      observer.disconnect();
      // The list itself went away (its last job removed, or filtered out): the empty view has no row to take focus.
      if (lastFocus.current !== null && focusIsLost()) focusFallback();
    };
  }, []);
  const activeJobId = ids[activeIndex];

  return (
    <div className="list-scroll" ref={scrollRef} onKeyDown={onKeyDown} onFocus={onFocusIn} onBlur={onFocusOut} data-testid="job-list">
      <div className="list-inner" role="list" aria-label="Jobs, newest first" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const id = ids[item.index];
          if (id === undefined) return null;
          return (
            <div key={item.key} className="list-slot" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
              <LiveJobRow id={id} now={now} tabbable={id === activeJobId} highlighted={id === highlightId} onAction={onAction} onFocusRow={onFocusRow} />
            </div>
          );
        })}
      </div>
    </div>
  );
});

/** A row that follows its own job in the store (see the top of this file). */
function LiveJobRow({ id, ...props }: Omit<JobRowProps, 'job'> & { id: string }) {
  const job = useJob(id);
  const batch = useBatchLine(job?.batchId);
  const fromServer = useIntake((s) => job?.batchId !== undefined && s.batches[job.batchId] !== undefined);
  return job === undefined ? null : <JobRow job={job} batch={batch} batchFromServer={fromServer} {...props} />;
}
