// @vitest-environment happy-dom
/** The "Sent to CH-… — Undo" toast: 10 s (fake clock), announced, Undo reachable, held while focused, the outcome said. */
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UNDO_WINDOW_MS, UndoToast, type SentJob, type UndoToastProps } from '../../src/renderer/components/UndoToast';

beforeEach(() => {
  // The toast's own timers are moved by hand; shouldAdvanceTime lets user-event's internal waits finish (a test takes far less than 10 s).
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function Harness({ first, onUndo }: { first: SentJob; onUndo: UndoToastProps['onUndo'] }) {
  const [sent, setSent] = useState<SentJob | null>(first);
  return (
    <>
      <button type="button" data-focus-fallback>
        Add documents
      </button>
      <UndoToast sent={sent} onUndo={onUndo} onClose={() => setSent(null)} />
      <button type="button" onClick={() => setSent({ id: 'job-2', chartNumber: 'CH-2' })}>
        send another
      </button>
    </>
  );
}

function setup(onUndo: UndoToastProps['onUndo'] = vi.fn(async () => ({ ok: true as const, value: 'removed' as const }))) {
  const user = userEvent.setup({ delay: null });
  render(<Harness first={{ id: 'job-1', chartNumber: 'CH-2026.117' }} onUndo={onUndo} />);
  return { user, onUndo, toast: () => screen.queryByTestId('undo-toast') };
}

describe('UndoToast', () => {
  it('says "Sent to <chart>" with Undo inside a polite live region, and goes after 10 s', () => {
    const { toast } = setup();
    expect(toast()?.textContent).toBe('Sent to CH-2026.117Undo');
    expect(toast()?.parentElement?.getAttribute('role')).toBe('status');
    expect(screen.getByRole('button', { name: 'Undo sending to CH-2026.117' })).toBeTruthy();
    act(() => vi.advanceTimersByTime(UNDO_WINDOW_MS - 1));
    expect(toast()).not.toBeNull();
    act(() => vi.advanceTimersByTime(1));
    expect(toast()).toBeNull();
    expect(screen.getByRole('status')).toBeTruthy(); // the live region stays for the next toast
  });

  it('Undo is reachable with Tab from the main action; while focused it does not run out, then it goes and focus stays on the page', async () => {
    const { user, toast } = setup();
    screen.getByRole('button', { name: 'Add documents' }).focus();
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Undo sending to CH-2026.117' }));
    act(() => vi.advanceTimersByTime(UNDO_WINDOW_MS * 3));
    expect(toast()).not.toBeNull(); // held while the user is on it
    await user.tab(); // leaves the toast
    expect(toast()).toBeNull();
    expect(document.activeElement?.textContent).toBe('send another');
  });

  it('Undo before the server accepted: says nothing was sent; focus goes to the main action', async () => {
    const { user, onUndo, toast } = setup();
    await user.click(screen.getByRole('button', { name: 'Undo sending to CH-2026.117' }));
    expect(onUndo).toHaveBeenCalledExactlyOnceWith('job-1');
    expect(toast()?.textContent).toBe('Undone: nothing was sent to CH-2026.117.');
    expect(document.activeElement?.textContent).toBe('Add documents');
    await user.unhover(toast()!);
    act(() => vi.advanceTimersByTime(5_000));
    expect(toast()).toBeNull();
  });

  it('Undo after the server accepted: says the server is asked to cancel; an error is said as it is', async () => {
    const answers: Awaited<ReturnType<UndoToastProps['onUndo']>>[] = [
      { ok: true, value: 'cancelling' },
      { ok: false, message: 'This job has already ended or is being cancelled; there is nothing to undo.' },
    ];
    const { user, toast } = setup(vi.fn(async () => answers.shift()!));
    await user.click(screen.getByRole('button', { name: /^Undo/ }));
    expect(toast()?.textContent).toBe('Undone: the server is asked to cancel the job for CH-2026.117.');
    await user.click(screen.getByRole('button', { name: 'send another' }));
    expect(toast()?.textContent).toBe('Sent to CH-2Undo'); // a new send starts over
    await user.click(screen.getByRole('button', { name: /^Undo/ }));
    expect(toast()?.textContent).toBe('This job has already ended or is being cancelled; there is nothing to undo.');
    expect(toast()?.className).toContain('toast-error');
  });
});
