/**
 * The chart-number rule (PROTOCOL.md): one home for the pattern the protocol's
 * schemas enforce and the reason a form or the CLI shows when a value breaks it.
 * Plain code, no schema library: the window loads it.
 */
const MAX_LENGTH = 64;
const ALLOWED = 'A-Za-z0-9._-';
const ALLOWED_CHARACTER = new RegExp(`[${ALLOWED}]`);

export const CHART_NUMBER_PATTERN = new RegExp(`^[${ALLOWED}]{1,${MAX_LENGTH}}$`);
/** The rule in words, for a message that breaks it (the protocol's schemas). */
export const CHART_NUMBER_RULE = `chart number must be 1–${MAX_LENGTH} characters of A–Z, a–z, 0–9, ".", "_" or "-"`;

/** A human-readable reason why a chart number is refused, or null when it is fine. */
export function chartNumberProblem(value: string): string | null {
  if (value.length === 0) return 'Chart number is required.';
  if (value.length > MAX_LENGTH) return `Chart number is ${value.length} characters long; at most ${MAX_LENGTH} are allowed.`;
  const bad = [...value].find((ch) => !ALLOWED_CHARACTER.test(ch));
  if (bad !== undefined) return `Chart number contains "${bad}"; only letters, digits, ".", "_" and "-" are allowed.`;
  return null;
}
