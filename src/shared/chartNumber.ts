/**
 * The chart-number rule (PROTOCOL.md): one home for the pattern the protocol's
 * schemas enforce and the reason a form or the CLI shows when a value breaks it.
 * Plain code, no schema library: the window loads it.
 */
export const CHART_NUMBER_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** A human-readable reason why a chart number is refused, or null when it is fine. */
export function chartNumberProblem(value: string): string | null {
  if (value.length === 0) return 'Chart number is required.';
  if (value.length > 64) return `Chart number is ${value.length} characters long; at most 64 are allowed.`;
  const bad = [...value].find((ch) => !/[A-Za-z0-9._-]/.test(ch));
  if (bad !== undefined) return `Chart number contains "${bad}"; only letters, digits, ".", "_" and "-" are allowed.`;
  return null;
}
