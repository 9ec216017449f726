// @vitest-environment happy-dom
/** The window wired to a fake bridge: the empty state, paste → dialog → enqueue, main's open requests, action errors. */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/components/App';
import { IntakeStore } from '../../src/renderer/store/intakeStore';
import { IntakeContext } from '../../src/renderer/store/useIntake';
import { fakeBridge, snapshotOf, type FakeBridge } from './fakeBridge';
import { job } from './jobFixtures';

let bridge: FakeBridge;

async function renderApp(b: FakeBridge) {
  const store = new IntakeStore(b);
  await store.start();
  render(
    <IntakeContext.Provider value={{ store, bridge: b }}>
      <App />
    </IntakeContext.Provider>,
  );
}

beforeEach(() => {
  window.localStorage.clear();
  bridge = fakeBridge(snapshotOf([], { demoServer: true }));
  bridge.answer('inspectFiles', (paths) => ({
    ok: true,
    value: { accepted: (paths as string[]).map((path) => ({ path, name: path.split('/').pop()!, size: 1_000, type: 'pdf' })), rejected: [] },
  }));
  bridge.answer('enqueue', (input) => ({ ok: true, value: { id: 'new-job', ...(input as object) } }));
});
afterEach(cleanup);

describe('App', () => {
  it('teaches the one gesture when the queue is empty, and shows the demo badge', async () => {
    await renderApp(bridge);
    expect(screen.getByText('Drop chart documents here')).toBeTruthy();
    expect(screen.getByText('Demo server')).toBeTruthy();
  });

  it('pasted files open the dialog with their real paths; Enter enqueues and the chart number is remembered', async () => {
    await renderApp(bridge);
    const file = new File(['%PDF-'], 'scan.pdf');
    fireEvent.paste(window, { clipboardData: { files: [file] } });
    await screen.findByRole('button', { name: 'Send 1 file' });
    expect(bridge.inspectFiles).toHaveBeenCalledWith(['/drop/scan.pdf']);
    await userEvent.type(screen.getByLabelText('Chart number'), 'CH-9{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.enqueue).toHaveBeenCalledWith({ chartNumber: 'CH-9', files: ['/drop/scan.pdf'] });
    expect(window.localStorage.getItem('intake.lastChartNumber')).toBe('CH-9');
    // The next drop starts empty: the last number is offered, never filled in.
    fireEvent.paste(window, { clipboardData: { files: [new File(['%PDF-'], 'other.pdf')] } });
    await screen.findByRole('button', { name: 'Same chart as before: CH-9' });
    expect((screen.getByLabelText('Chart number') as HTMLInputElement).value).toBe('');
  });

  it('after sending: the toast "Sent to <chart>" with Undo, which asks main to undo that job', async () => {
    bridge.answer('undo', { ok: true, value: 'cancelling' });
    await renderApp(bridge);
    fireEvent.paste(window, { clipboardData: { files: [new File(['%PDF-'], 'scan.pdf')] } });
    await userEvent.type(await screen.findByLabelText('Chart number'), 'CH-7{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByTestId('undo-toast').textContent).toBe('Sent to CH-7Undo');
    await userEvent.click(screen.getByRole('button', { name: 'Undo sending to CH-7' }));
    expect(bridge.undo).toHaveBeenCalledExactlyOnceWith('new-job');
    expect(screen.getByTestId('undo-toast').textContent).toBe('Undone: the server is asked to cancel the job for CH-7.');
  });

  it('the "Already sent?" warnings main found while checking the files reach the dialog', async () => {
    bridge.answer('inspectFiles', (paths) => ({
      ok: true,
      value: {
        accepted: (paths as string[]).map((path) => ({ path, name: 'scan.pdf', size: 1_000, type: 'pdf' })),
        rejected: [],
        seenBefore: [{ path: (paths as string[])[0], sentAt: null, chartNumber: null, twiceInDrop: true }],
      },
    }));
    await renderApp(bridge);
    fireEvent.paste(window, { clipboardData: { files: [new File(['%PDF-'], 'scan.pdf')] } });
    expect((await screen.findByText('In this drop twice')).className).toBe('file-warning');
  });

  it('"Add documents" asks main for the native picker; cancelling it opens nothing', async () => {
    bridge.answer('pickFiles', { ok: true, value: [] });
    await renderApp(bridge);
    await userEvent.click(screen.getByRole('button', { name: 'Add documents' }));
    expect(bridge.pickFiles).toHaveBeenCalledOnce();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('files opened from outside (openFiles) open the dialog; openSettings opens settings', async () => {
    await renderApp(bridge);
    act(() => bridge.emit('openFiles', ['/elsewhere/letter.pdf']));
    await screen.findByRole('button', { name: 'Send 1 file' });
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    act(() => bridge.emit('openSettings', null));
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeTruthy();
  });

  it('a failed call shows its message in a banner', async () => {
    bridge.answer('clearFinished', { ok: false, error: { code: 'unavailable', message: 'The queue is shutting down.' } });
    await renderApp(bridge);
    act(() => bridge.emit('jobs', [{ type: 'upsert', job: job({ stage: 'completed' }) }]));
    await userEvent.click(screen.getByRole('button', { name: 'Clear finished' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The queue is shutting down.');
    screen.getByRole('button', { name: 'Dismiss' }).focus();
    await userEvent.keyboard('{Enter}');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add documents' }));
  });

  it('announces endings in the polite live region', async () => {
    await renderApp(bridge);
    const region = screen.getByTestId('live-region');
    expect(region.getAttribute('aria-live')).toBe('polite');
    act(() => bridge.emit('jobs', [{ type: 'upsert', job: job({ stage: 'tracking' }) }]));
    expect(region.textContent).toBe('');
    act(() => bridge.emit('jobs', [{ type: 'upsert', job: job({ stage: 'completed' }) }]));
    expect(region.textContent).toBe('Chart CH-100 completed.');
  });
});
