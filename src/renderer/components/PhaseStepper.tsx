/**
 * The seven pipeline phases as a stepper: finished phases ticked with the time
 * spent in them (from the server's own timestamps, so a slow network does not
 * inflate them), the current one lit, a failure marked where it happened.
 */
import { PHASE_LABELS, PIPELINE_PHASES, isPipelinePhase } from '../../shared/phases';
import type { ServerJobState } from '../../shared/jobState';
import { formatDuration } from '../displayFormat';

export type StepState = 'done' | 'current' | 'failed' | 'pending';

export interface Step {
  phase: string;
  label: string;
  state: StepState;
  /** The current step of a job the server will try again: not a failure (yet). */
  retrying: boolean;
  /** Time spent in this phase, once the next one started. */
  durationMs: number | null;
}

function seenAt(server: ServerJobState, phase: string): number | null {
  const iso = server.phaseSeenAt[phase];
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Where the current attempt is, or where it stopped: -1 when unknown. Not the furthest
 * phase in phaseSeenAt, which spans all attempts — a second attempt failing in OCR
 * would be drawn failing in "AI done", where the first attempt had got to.
 */
function attemptIndex(server: ServerJobState): number {
  if (isPipelinePhase(server.phase)) return PIPELINE_PHASES.indexOf(server.phase);
  if (isPipelinePhase(server.attemptPhase)) return PIPELINE_PHASES.indexOf(server.attemptPhase);
  // Not known (a job saved before attemptPhase existed, or a failure before any phase): on the
  // first attempt the furthest phase seen is where it stopped; after a retry nobody can tell.
  if (server.attempt !== null && server.attempt > 1) return -1;
  let reached = -1;
  PIPELINE_PHASES.forEach((phase, index) => {
    if (server.phaseSeenAt[phase] !== undefined) reached = index;
  });
  return reached;
}

export function phaseSteps(server: ServerJobState | null): Step[] {
  const current = server === null ? -1 : attemptIndex(server);
  const stopped = server !== null && (server.status === 'failed' || server.phase === 'failed');
  const retrying = stopped && server.willRetry;
  const completed = server?.status === 'completed';
  // Cancelled (PROTOCOL.md §4): what was done stays done; the phase it was in did not fail, it just stopped.
  const cancelled = server?.status === 'cancelled';
  return PIPELINE_PHASES.map((phase, index) => {
    let state: StepState = 'pending';
    if (completed || index < current) state = 'done';
    else if (index === current) state = cancelled ? 'pending' : stopped && !retrying ? 'failed' : 'current';
    let durationMs: number | null = null;
    // phaseSeenAt keeps the FIRST sighting of each phase: once the server retried, two
    // sightings may come from different attempts and their difference would include the
    // failure and the wait. Per-attempt timings are in the results view instead.
    const firstAttempt = server === null || server.attempt === null || server.attempt <= 1;
    if (server !== null && firstAttempt && state === 'done' && index < PIPELINE_PHASES.length - 1) {
      const start = seenAt(server, phase);
      const end = seenAt(server, PIPELINE_PHASES[index + 1] as string);
      if (start !== null && end !== null && end >= start) durationMs = end - start;
    }
    return { phase, label: PHASE_LABELS[phase], state, retrying: retrying && state === 'current', durationMs };
  });
}

function stepperName(steps: Step[]): string {
  const failed = steps.find((step) => step.state === 'failed');
  if (failed) return `Phases: failed during ${failed.label}`;
  const current = steps.find((step) => step.state === 'current');
  if (current?.retrying) return `Phases: retrying after a failure during ${current.label}`;
  if (current) return `Phases: now ${current.label}`;
  return steps.every((step) => step.state === 'done') ? 'Phases: all done' : 'Phases';
}

export function PhaseStepper({ server }: { server: ServerJobState | null }) {
  const steps = phaseSteps(server);
  return (
    <ol className="stepper" aria-label={stepperName(steps)}>
      {steps.map((step) => (
        <li
          key={step.phase}
          className={`step step-${step.state}${step.retrying ? ' step-retrying' : ''}`}
          data-state={step.state}
          aria-current={step.state === 'current' ? 'step' : undefined}
        >
          <span className="step-dot" aria-hidden="true" />
          <span className="step-label">{step.label}</span>
          {/* The dot and colour say it to the eye; this says it to a screen reader. */}
          <span className="visually-hidden">{`: ${step.state}${step.retrying ? ', retrying' : ''}`}</span>
          <span className="step-time">{step.durationMs === null ? '' : formatDuration(step.durationMs)}</span>
        </li>
      ))}
    </ol>
  );
}
