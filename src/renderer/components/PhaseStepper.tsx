/**
 * The seven pipeline phases as a stepper: finished phases ticked with the time
 * spent in them (from the server's own timestamps, so a slow network does not
 * inflate them), the current one lit, a failure marked where it happened.
 */
import { PHASE_LABELS, PIPELINE_PHASES, isPipelinePhase } from '../../shared/phases';
import type { ServerJobState } from '../../shared/jobState';
import { formatDuration } from '../displayFormat';

type StepState = 'done' | 'current' | 'failed' | 'pending';

export interface Step {
  phase: string;
  label: string;
  state: StepState;
  /** Time spent in this phase, once the next one started. */
  durationMs: number | null;
}

function seenAt(server: ServerJobState, phase: string): number | null {
  const iso = server.phaseSeenAt[phase];
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** The furthest pipeline phase the job reached (for a failure, where it stopped). */
function reachedIndex(server: ServerJobState): number {
  if (isPipelinePhase(server.phase)) return PIPELINE_PHASES.indexOf(server.phase);
  let reached = -1;
  PIPELINE_PHASES.forEach((phase, index) => {
    if (server.phaseSeenAt[phase] !== undefined) reached = index;
  });
  return reached;
}

export function phaseSteps(server: ServerJobState | null): Step[] {
  const current = server === null ? -1 : reachedIndex(server);
  const failed = server !== null && (server.status === 'failed' || server.phase === 'failed');
  const completed = server?.status === 'completed';
  return PIPELINE_PHASES.map((phase, index) => {
    let state: StepState = 'pending';
    if (completed || index < current) state = 'done';
    else if (index === current) state = failed ? 'failed' : 'current';
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
    return { phase, label: PHASE_LABELS[phase], state, durationMs };
  });
}

export function PhaseStepper({ server }: { server: ServerJobState | null }) {
  const steps = phaseSteps(server);
  const current = steps.find((step) => step.state === 'current' || step.state === 'failed');
  return (
    <ol className="stepper" aria-label={current ? `Phase: ${current.label}` : 'Phases'}>
      {steps.map((step) => (
        <li key={step.phase} className={`step step-${step.state}`} aria-current={step.state === 'current' ? 'step' : undefined}>
          <span className="step-dot" aria-hidden="true" />
          <span className="step-label">{step.label}</span>
          <span className="step-time">{step.durationMs === null ? '' : formatDuration(step.durationMs)}</span>
        </li>
      ))}
    </ol>
  );
}
