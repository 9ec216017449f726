/**
 * Reconnect delay with full jitter: random(0, min(cap, base × 2^attempt)).
 * Full jitter (not "base ± a little") is what spreads a crowd of clients that
 * all lost the same server at the same moment, so they do not return in step.
 */
export interface BackoffRule {
  baseMs: number;
  capMs: number;
}

/** The ceiling of the jitter window for `attempt` (0-based). */
export function backoffCeiling(attempt: number, rule: BackoffRule): number {
  // 2^attempt overflows to Infinity long after it passed the cap; clamp the exponent
  // so the arithmetic stays finite and exact.
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 52);
  return Math.min(rule.capMs, rule.baseMs * 2 ** exponent);
}

/** `random` returns [0, 1) like Math.random; injected so tests can draw deterministically. */
export function backoffDelay(attempt: number, rule: BackoffRule, random: () => number): number {
  const draw = random();
  const unit = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 0;
  return Math.floor(unit * backoffCeiling(attempt, rule));
}
