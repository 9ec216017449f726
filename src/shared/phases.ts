/**
 * The backend's phases (PROTOCOL.md "Phases"), in pipeline order.
 * Rank orders updates that carry no `seq` and share a timestamp.
 */
export const PIPELINE_PHASES = [
  'processing',
  'ocr_started',
  'ocr_completed',
  'ai_started',
  'ai_completed',
  'saving_results',
  'completed',
] as const;

export type PipelinePhase = (typeof PIPELINE_PHASES)[number];
export type KnownPhase = PipelinePhase | 'failed';

export const PHASE_LABELS: Record<KnownPhase, string> = {
  processing: 'Processing',
  ocr_started: 'OCR started',
  ocr_completed: 'OCR done',
  ai_started: 'AI analysis',
  ai_completed: 'AI done',
  saving_results: 'Saving',
  completed: 'Completed',
  failed: 'Failed',
};

/**
 * `failed` has no rank in the table; it happens *after* whatever phase the job
 * was in, so at an equal timestamp it outranks every pipeline phase except
 * `completed`'s finality (handled by the state machine, not by rank).
 * Unknown phases rank 0: shown as they are, never allowed to move a job back.
 */
export function phaseRank(phase: string | null | undefined): number {
  // A cancel (PROTOCOL.md §4) also ends whatever phase the job was in.
  if (phase === 'failed' || phase === 'cancelled' || phase === 'blocked') return 7.5;
  const index = PIPELINE_PHASES.indexOf(phase as PipelinePhase);
  return index + 1; // -1 + 1 = 0 for unknown phases
}

export function isPipelinePhase(phase: string | null | undefined): phase is PipelinePhase {
  return PIPELINE_PHASES.includes(phase as PipelinePhase);
}

/** A phase the table does not know is shown as the server named it — including names like `toString` that a plain lookup would find on Object.prototype. */
export function phaseLabel(phase: string): string {
  return Object.hasOwn(PHASE_LABELS, phase) ? PHASE_LABELS[phase as KnownPhase] : phase;
}
