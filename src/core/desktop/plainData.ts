/**
 * IPC payloads must be plain data: what JSON could carry. Structured clone
 * also delivers Dates, Maps, typed arrays and class-less objects that a
 * schema may wave through as "an object with no fields"; those are refused
 * before validation, and so is absurd nesting (a stack-depth attack).
 */
export const MAX_PAYLOAD_DEPTH = 32;

/** Why this value is not plain data, or null when it is. */
export function plainDataProblem(value: unknown, depth = 0): string | null {
  if (depth > MAX_PAYLOAD_DEPTH) return `nested deeper than ${MAX_PAYLOAD_DEPTH} levels`;
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : 'a number that is not finite';
    case 'object':
      break;
    default:
      return `a ${typeof value}`;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = plainDataProblem(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return `an object of type ${(value as object).constructor?.name ?? 'unknown'}`;
  for (const item of Object.values(value as Record<string, unknown>)) {
    const problem = plainDataProblem(item, depth + 1);
    if (problem) return problem;
  }
  return null;
}
