/**
 * Reads a job's §2 `results` into tables the user can scan. The shape belongs
 * to the backend and may differ from the reference server's, so every lookup
 * is tolerant: recognised parts (documents, phase timings) get their own
 * tables, everything else is shown generically. Nothing here may throw.
 */

export type Json = unknown;
type Dict = Record<string, unknown>;

export interface DocumentRow {
  name: string;
  size: number | null;
  type: string | null;
  pages: number | null;
  sha256: string | null;
}
export interface PhaseRow {
  phase: string;
  /** Which server attempt this timing belongs to, when the server says. */
  attempt: number | null;
  start: string | null;
  end: string | null;
  durationMs: number | null;
}
export interface ReadableResults {
  documents: DocumentRow[] | null;
  phases: PhaseRow[] | null;
  /** Whatever was not recognised, for the generic tables. */
  rest: Dict | null;
  /** The results were not an object at all (a string, a number, an array). */
  other: Json;
}

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(object: Dict, keys: string[]): unknown {
  for (const key of keys) if (object[key] !== undefined) return object[key];
  return undefined;
}
const text = (value: unknown): string | null => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null);
const count = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

const DOCUMENT_KEYS = ['documents', 'files', 'docs'];
const PHASE_KEYS = ['phases', 'phaseTimings', 'timings'];

function readDocuments(value: unknown): DocumentRow[] | null {
  if (!Array.isArray(value) || !value.every(isDict)) return null;
  return value.map((doc) => ({
    name: text(pick(doc, ['name', 'fileName', 'filename'])) ?? '(unnamed)',
    size: count(pick(doc, ['size', 'bytes'])),
    type: text(pick(doc, ['detectedType', 'type', 'mimeType', 'contentType'])),
    pages: count(pick(doc, ['pages', 'pageCount'])),
    sha256: text(pick(doc, ['sha256', 'hash', 'checksum'])),
  }));
}

function phaseRow(phase: string, times: unknown): PhaseRow {
  const dict = isDict(times) ? times : {};
  const attempt = count(dict.attempt);
  const start = text(pick(dict, ['start', 'startedAt', 'started']));
  const end = text(pick(dict, ['end', 'endedAt', 'ended', 'completedAt']));
  const span = start && end ? Date.parse(end) - Date.parse(start) : Number.NaN;
  return { phase, attempt, start, end, durationMs: Number.isFinite(span) && span >= 0 ? span : null };
}

function readPhases(value: unknown): PhaseRow[] | null {
  if (Array.isArray(value)) {
    if (!value.every(isDict)) return null;
    return value.map((entry) => phaseRow(text(pick(entry, ['phase', 'name'])) ?? '?', entry));
  }
  if (isDict(value)) return Object.entries(value).map(([phase, times]) => phaseRow(phase, times));
  return null;
}

/** A server may key the results of a chart's several jobs by jobId. */
export function resultsForJob(results: unknown, jobId: string | null): unknown {
  if (jobId !== null && isDict(results) && isDict(results[jobId])) return results[jobId];
  return results;
}

export function readResults(results: unknown): ReadableResults {
  if (!isDict(results)) return { documents: null, phases: null, rest: null, other: results };
  const rest: Dict = { ...results };
  let documents: DocumentRow[] | null = null;
  let phases: PhaseRow[] | null = null;
  for (const key of DOCUMENT_KEYS) {
    const read = readDocuments(results[key]);
    if (read) {
      documents = read;
      delete rest[key];
      break;
    }
  }
  for (const key of PHASE_KEYS) {
    const read = readPhases(results[key]);
    if (read) {
      phases = read;
      delete rest[key];
      break;
    }
  }
  return { documents, phases, rest: Object.keys(rest).length > 0 ? rest : null, other: undefined };
}
