/**
 * The one home of "what never reaches a log file or a diagnostics file".
 * Callers already promise to pass no document names, chart numbers or
 * tokens (logger.ts); this is the second line: field names that can only
 * hold such things are dropped, paths inside any text become "[path]", and
 * known values (a job's chart number and file names, the token) are
 * replaced wherever they appear.
 */
const SENSITIVE_FIELD = /chart|file|name|path|token|password|secret|credential/i;
// An absolute path (POSIX, Windows drive or UNC) up to the next space or quote.
const PATH_IN_TEXT = /(?:[A-Za-z]:\\|\\\\|(?<![\w.:/])\/)[^\s'"`,;)]*/g;

export function redactText(text: string, known: readonly string[] = []): string {
  let out = text.replace(PATH_IN_TEXT, '[path]');
  // Longest first, so a chart number inside a file name does not leave the rest of the name.
  for (const value of [...known].filter((v) => v.length > 0).sort((a, b) => b.length - a.length)) out = out.split(value).join('[redacted]');
  return out;
}

export function redactFields(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (fields === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = SENSITIVE_FIELD.test(key) ? '[redacted]' : value;
  return out;
}

/** One log line as files hold it: time, level, message, fields as JSON — redacted. */
export function logLine(at: Date, level: string, message: string, fields?: Record<string, unknown>): string {
  const safe = redactFields(fields);
  const extra = safe !== undefined && Object.keys(safe).length > 0 ? ` ${JSON.stringify(safe)}` : '';
  return redactText(`${at.toISOString()} ${level} ${message}${extra}`);
}
