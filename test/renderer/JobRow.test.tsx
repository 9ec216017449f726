// @vitest-environment happy-dom
/** One row in each stage: what it says, what it lights, and which actions it offers. */
import { cleanup, render, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobRow, type JobAction } from '../../src/renderer/components/JobRow';
import type { QueueJob } from '../../src/shared/queueJob';
import { ALL_PHASES_SEEN, T0, job, server } from './jobFixtures';

afterEach(cleanup);

function renderRow(subject: QueueJob, now = T0) {
  const onAction = vi.fn<(action: JobAction, job: QueueJob) => void>();
  const view = render(<JobRow job={subject} now={now} tabbable highlighted={false} onAction={onAction} onFocusRow={() => undefined} />);
  const row = view.container.querySelector<HTMLElement>('.row')!;
  const buttons = () => within(row).getAllByRole('button').map((button) => button.textContent);
  return { ...view, row, onAction, buttons, status: () => row.querySelector('.row-status')?.textContent, pill: () => row.querySelector('.pill')?.textContent };
}

describe('JobRow', () => {
  it('queued: waiting, file count and total size, cancel or re-file', () => {
    const r = renderRow(job());
    expect(within(r.row).getByText('CH-100')).toBeTruthy();
    expect(r.row.querySelector('.row-meta')?.textContent).toBe('2 files · 101 MB');
    expect(r.pill()).toBe('Queued');
    expect(r.status()).toBe('Waiting to upload');
    expect(r.buttons()).toEqual(['Show files', 'Cancel', 'Re-file…']);
    expect(r.row.querySelectorAll('.step-pending')).toHaveLength(7);
  });

  it('queued after a failed try: the reason and a countdown to the next try', () => {
    const r = renderRow(job({ uploadAttempts: 2, nextUploadAt: T0 + 8_000, error: { code: 'network', message: 'Server unreachable' } }), T0);
    expect(r.status()).toBe('Server unreachable — upload retry in 8 s (attempt 3)');
    expect(r.row.querySelector('.row-status')?.className).toContain('tone-warning');
  });

  it('uploading: the bar with sent / total · speed · time left instead of the stepper', () => {
    const r = renderRow(job({ stage: 'uploading', uploadAttempts: 1, upload: { sentBytes: 43_000_000, totalBytes: 101_000_000, bytesPerSecond: 2_100_000, etaSeconds: 8 } }));
    expect(r.pill()).toBe('Uploading');
    expect(r.row.querySelector('.upload-text')?.textContent).toBe('43 MB of 101 MB · 2.1 MB/s · 8 s left');
    expect((r.row.querySelector('progress') as HTMLProgressElement).value).toBeCloseTo(43 / 101, 3);
    expect(r.row.querySelector('.stepper')).toBeNull();
    expect(r.buttons()).toEqual(['Show files', 'Cancel', 'Re-file…']);
  });

  it('tracking: finished phases ticked with their durations, the current one lit, the rest pending', () => {
    const r = renderRow(job({ stage: 'tracking', jobId: 'srv-1', server: server() }));
    expect(r.pill()).toBe('Processing');
    const steps = [...r.row.querySelectorAll('.step')].map((step) => [step.querySelector('.step-label')?.textContent, step.className.replace('step ', ''), step.querySelector('.step-time')?.textContent]);
    expect(steps).toEqual([
      ['Processing', 'step-done', '4 s'],
      ['OCR started', 'step-done', '12 s'],
      ['OCR done', 'step-current', ''],
      ['AI analysis', 'step-pending', ''],
      ['AI done', 'step-pending', ''],
      ['Saving', 'step-pending', ''],
      ['Completed', 'step-pending', ''],
    ]);
    expect(r.row.querySelector('[aria-current=step]')?.textContent).toContain('OCR done');
    expect(r.status()).toBe('OCR finished');
    expect(r.buttons()).toEqual(['Show files', 'Show in folder', 'Cancel', 'Re-file…']);
  });

  it('tracking while the server retries: "Retrying" pill, attempt n of m, the phase it stopped in marked as retrying, not failed', () => {
    const r = renderRow(job({ stage: 'tracking', jobId: 'srv-1', server: server({ status: 'failed', phase: 'failed', message: 'OCR engine timed out', attempt: 1, willRetry: true }) }));
    expect(r.pill()).toBe('Retrying');
    expect(r.status()).toBe('Server is retrying, attempt 2 of 3 — OCR engine timed out');
    expect(r.row.querySelector('.step-failed')).toBeNull();
    expect(r.row.querySelector('.step-retrying .step-label')?.textContent).toBe('OCR done');
  });

  it('completed: every phase ticked, results / show files / remove', async () => {
    const r = renderRow(job({ stage: 'completed', jobId: 'srv-1', server: server({ status: 'completed', phase: 'completed', message: 'Processing completed.', seq: 7, phaseSeenAt: ALL_PHASES_SEEN }) }));
    expect(r.pill()).toBe('Completed');
    expect(r.row.querySelectorAll('.step-done')).toHaveLength(7);
    expect([...r.row.querySelectorAll('.step-time')].map((t) => t.textContent)).toEqual(['2 s', '3 s', '1 s', '1 min 0 s', '1 s', '1 s', '']);
    expect(r.buttons()).toEqual(['Results', 'Show files', 'Show in folder', 'Remove']);
    await userEvent.click(within(r.row).getByRole('button', { name: 'Results (chart CH-100)' }));
    expect(r.onAction).toHaveBeenCalledWith('results', expect.objectContaining({ id: 'job-1' }));
  });

  it('after a server retry, phase durations are not shown (first sightings span attempts)', () => {
    const r = renderRow(job({ stage: 'completed', jobId: 'srv-1', server: server({ status: 'completed', phase: 'completed', attempt: 2, phaseSeenAt: ALL_PHASES_SEEN }) }));
    expect(r.row.querySelectorAll('.step-done')).toHaveLength(7);
    expect([...r.row.querySelectorAll('.step-time')].map((t) => t.textContent)).toEqual(['', '', '', '', '', '', '']);
  });

  it('failed for good: the reason with the attempt count, retry / show files / remove', async () => {
    const r = renderRow(job({ stage: 'failed', jobId: 'srv-1', error: { code: 'failed', message: 'AI model unavailable' }, server: server({ status: 'failed', phase: 'failed', attempt: 3, willRetry: false }) }));
    expect(r.pill()).toBe('Failed');
    expect(r.status()).toBe('AI model unavailable (attempt 3 of 3)');
    expect(r.row.querySelector('.row-status')?.className).toContain('tone-error');
    expect(r.buttons()).toEqual(['Retry', 'Show files', 'Show in folder', 'Remove']);
    await userEvent.click(within(r.row).getByRole('button', { name: /^Retry/ }));
    await userEvent.click(within(r.row).getByRole('button', { name: /^Show files/ }));
    await userEvent.click(within(r.row).getByRole('button', { name: /^Show in folder/ }));
    await userEvent.click(within(r.row).getByRole('button', { name: /^Remove/ }));
    expect(r.onAction.mock.calls.map(([action]) => action)).toEqual(['retry', 'preview', 'reveal', 'remove']);
  });

  it('rejected: the server message, retry / show files / remove', () => {
    const r = renderRow(job({ stage: 'rejected', error: { code: 'unsupported_type', message: 'b.pdf is not a PDF' } }));
    expect(r.pill()).toBe('Rejected');
    expect(r.status()).toBe('b.pdf is not a PDF');
    expect(r.buttons()).toEqual(['Retry', 'Show files', 'Show in folder', 'Remove']);
  });

  it('cancelled: retry / remove', () => {
    const r = renderRow(job({ stage: 'cancelled' }));
    expect(r.pill()).toBe('Cancelled');
    expect(r.status()).toBe('Cancelled');
    expect(r.buttons()).toEqual(['Retry', 'Show files', 'Remove']);
  });

  it('cancel asked of the server: "Cancelling…" until the final update, no second Cancel', () => {
    const r = renderRow(job({ stage: 'tracking', jobId: 'srv-1', cancelRequested: true, server: server({ status: 'processing', phase: 'ocr_started' }) }));
    expect(r.pill()).toBe('Cancelling…');
    expect(r.status()).toBe('Cancelling… (waiting for the server to stop the job)');
    expect(r.buttons()).not.toContain('Cancel');
  });

  it('cancelled at the server: what was done stays done, nothing is marked failed or current', () => {
    const r = renderRow(job({ stage: 'cancelled', jobId: 'srv-1', server: server({ status: 'cancelled', phase: 'cancelled', attemptPhase: 'ocr_started' }) }));
    expect(r.pill()).toBe('Cancelled');
    expect(r.status()).toBe('Cancelled at the server');
    expect(r.row.querySelectorAll('.step-done')).toHaveLength(1);
    expect(r.row.querySelector('.step-failed, .step-current')).toBeNull();
  });

  it('a server without cancelling: the row says honestly that the server will finish the job', () => {
    const message = 'The server does not support cancelling: it will finish this job. Intake no longer follows it.';
    const r = renderRow(job({ stage: 'cancelled', jobId: 'srv-1', error: { code: 'cancel_unsupported', message } }));
    expect(r.status()).toBe(message);
    expect(r.row.querySelector('.row-status')?.className).toContain('warning');
  });

  it('an unknown server phase is shown as it is and breaks nothing', () => {
    const r = renderRow(job({ stage: 'tracking', jobId: 'srv-1', server: server({ phase: 'quantum_review', message: 'Reviewing', phaseSeenAt: { quantum_review: 'not a date' } }) }));
    expect(r.status()).toBe('Reviewing');
    expect(r.row.querySelectorAll('.step-pending')).toHaveLength(7);
  });
});

describe('JobRow for a Socket.IO backend (PROTOCOL.md "Backend dialects")', () => {
  it('shows the percentage bar and the backend’s status word and message instead of the stepper', () => {
    const r = renderRow(job({ stage: 'tracking', jobId: 'j-1', server: server({ status: 'processing', phase: 'processing', progress: 45, statusWord: 'PROCESSING', message: 'Running quality checks' }) }));
    const bar = r.row.querySelector<HTMLProgressElement>('progress.bar')!;
    expect(bar.value).toBe(45);
    expect(bar.getAttribute('aria-label')).toBe('Processing of chart CH-100');
    expect(r.row.querySelector('.upload-text')?.textContent).toBe('45 % · PROCESSING');
    expect(r.row.querySelectorAll('.step')).toHaveLength(0);
    expect(r.status()).toBe('Running quality checks');
  });

  it('a blocked job: its own pill, the quality-check message as a warning, retry offered', () => {
    const r = renderRow(job({ stage: 'blocked', jobId: 'j-2', server: server({ status: 'blocked', phase: 'blocked', progress: 100, statusWord: 'BLOCKED', message: '' }), error: { code: 'server_blocked', message: 'Held by a quality check: a person needs to look at it.' } }));
    expect(r.pill()).toBe('Blocked');
    expect(r.row.querySelector('.pill')?.className).toContain('pill-blocked');
    expect(r.status()).toBe('Held by a quality check: a person needs to look at it.');
    expect(r.row.querySelector('.row-status')?.className).toContain('tone-warning');
    expect(r.buttons()).toEqual(['Retry', 'Show files', 'Show in folder', 'Remove']);
  });
});
