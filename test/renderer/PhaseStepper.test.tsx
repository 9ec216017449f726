// @vitest-environment happy-dom
/**
 * The stepper tells the truth: a failure is marked in the phase where the
 * current attempt stopped (not the furthest phase any attempt reached), a
 * retry is not drawn as a failure, and every step says its state in words.
 */
import { cleanup, render, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PhaseStepper, phaseSteps } from '../../src/renderer/components/PhaseStepper';
import { applyStatusUpdate, initialServerJob, type ServerJobState, type StatusUpdate } from '../../src/shared/jobState';
import { ALL_PHASES_SEEN, server } from './jobFixtures';

afterEach(cleanup);

const states = (subject: ServerJobState | null) => phaseSteps(subject).map((step) => step.state);
const T = (s: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, s)).toISOString();

/** The server's updates for two attempts: the first reaches "AI done" and fails, the second fails during "OCR started". */
function twoAttempts(): ServerJobState {
  const updates: StatusUpdate[] = [
    ...['processing', 'ocr_started', 'ocr_completed', 'ai_started', 'ai_completed'].map((phase) => ({ phase, status: 'processing' })),
    { phase: 'failed', status: 'failed', attempt: 1, maxAttempts: 2, willRetry: true },
    { phase: 'processing', status: 'processing' },
    { phase: 'ocr_started', status: 'processing' },
    { phase: 'failed', status: 'failed', attempt: 2, maxAttempts: 2, willRetry: false },
  ].map((update, i) => ({ jobId: 'srv-1', message: '', seq: i + 1, timestamp: T(i + 1), ...update }));
  return updates.reduce((job, update) => applyStatusUpdate(job, update).job, initialServerJob('srv-1'));
}

describe('phaseSteps', () => {
  it('marks the failure where the current attempt stopped, not at the furthest phase of all attempts', () => {
    const failed = twoAttempts();
    expect(Object.keys(failed.phaseSeenAt)).toContain('ai_completed'); // the first attempt got that far
    expect(states(failed)).toEqual(['done', 'failed', 'pending', 'pending', 'pending', 'pending', 'pending']);
  });

  it('a job the server will retry is not failed: the step it stopped in is current, flagged retrying', () => {
    const retrying = server({ status: 'failed', phase: 'failed', willRetry: true, attempt: 1, attemptPhase: 'ocr_started' });
    const steps = phaseSteps(retrying);
    expect(steps.map((step) => step.state)).toEqual(['done', 'current', 'pending', 'pending', 'pending', 'pending', 'pending']);
    expect(steps.filter((step) => step.retrying).map((step) => step.phase)).toEqual(['ocr_started']);
  });

  it('a failure on the first attempt of a job saved without attemptPhase: the furthest phase seen', () => {
    expect(states(server({ status: 'failed', phase: 'failed', attempt: 1 }))).toEqual(['done', 'done', 'failed', 'pending', 'pending', 'pending', 'pending']);
  });

  it('after a retry, with no attemptPhase, no step is claimed as the failed one', () => {
    expect(states(server({ status: 'failed', phase: 'failed', attempt: 2 }))).toEqual(Array(7).fill('pending'));
  });

  it("a finished step's time is the server's time from its phase to the next; the step in progress, the last and a later retry's have none", () => {
    const durations = (subject: ServerJobState) => phaseSteps(subject).map((step) => step.durationMs);
    expect(durations(server({ status: 'completed', phase: 'completed', phaseSeenAt: ALL_PHASES_SEEN }))).toEqual([2000, 3000, 1000, 60_000, 1000, 1000, null]);
    // At "OCR done" (seen at 0, 4 and 16 s): the two finished steps have times, the current one none.
    expect(durations(server())).toEqual([4000, 12_000, null, null, null, null, null]);
    // A second attempt: the first sightings may come from different attempts, so no step claims a time.
    expect(durations(server({ attempt: 2 }))).toEqual(Array(7).fill(null));
    // A sighting before its predecessor's (a clock step on the server) is not drawn as a negative time.
    expect(durations(server({ phaseSeenAt: { processing: T(10), ocr_started: T(4), ocr_completed: T(16) } }))).toEqual([null, 12_000, null, null, null, null, null]);
  });

  it('completed: every step done; not yet tracked: every step pending', () => {
    expect(states(server({ status: 'completed', phase: 'completed', phaseSeenAt: ALL_PHASES_SEEN }))).toEqual(Array(7).fill('done'));
    expect(states(null)).toEqual(Array(7).fill('pending'));
  });
});

describe('PhaseStepper', () => {
  it('says each step state in words, and names the list by where the job failed', () => {
    const { container } = render(<PhaseStepper server={twoAttempts()} />);
    const list = within(container).getByRole('list');
    expect(list.getAttribute('aria-label')).toBe('Phases: failed during OCR started');
    expect(within(list).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Processing: done',
      'OCR started: failed',
      'OCR done: pending',
      'AI analysis: pending',
      'AI done: pending',
      'Saving: pending',
      'Completed: pending',
    ]);
    expect(container.querySelector('[aria-current]')).toBeNull();
  });

  it('a retrying job: current step exposed as current and retrying, the list named as retrying', () => {
    const { container } = render(<PhaseStepper server={server({ status: 'failed', phase: 'failed', willRetry: true, attemptPhase: 'ai_started' })} />);
    const list = within(container).getByRole('list');
    expect(list.getAttribute('aria-label')).toBe('Phases: retrying after a failure during AI analysis');
    expect(container.querySelector('[aria-current=step]')?.textContent).toBe('AI analysis: current, retrying');
    expect(container.querySelector('.step-failed')).toBeNull();
  });
});
