/**
 * The chart number the add dialog starts with. Only the documents themselves
 * may fill it in: the user's pattern over the file names (or, when a file's
 * name does not match, over the name of the folder it sits in) when all files
 * agree on one valid chart number. The last number used is never filled in
 * silently: it is only offered (a one-click chip), because reusing it by
 * accident files documents into another patient's record. It is kept in
 * localStorage: renderer-local UI memory, not queue state.
 */
import { chartNumberProblem } from '../../shared/chartNumber';

export interface ChartSuggestion {
  /** What the chart field starts with: the pattern's match, or empty. */
  value: string;
  source: 'pattern' | 'none';
  /** The last chart number used, offered but never pre-filled (null when none or invalid). */
  last: string | null;
}

const LAST_KEY = 'intake.lastChartNumber';

/** The file name and the name of its folder, the places a chart number is looked for, in that order. */
function namesOf(path: string): string[] {
  const parts = path.split(/[\\/]/).filter((part) => part !== '');
  return parts.slice(-2).reverse();
}

function compile(pattern: string | null): RegExp | null {
  if (!pattern) return null;
  try {
    return new RegExp(pattern);
  } catch {
    return null; // an invalid pattern is reported in settings; here it just does not suggest
  }
}

function chartIn(names: readonly string[], regex: RegExp): string | null {
  for (const name of names) {
    const match = regex.exec(name);
    const value = match ? (match[1] ?? match[0]) : null;
    if (value && chartNumberProblem(value) === null) return value;
  }
  return null;
}

/** `paths` are the files' full paths (a file's own name wins over its folder's). */
export function suggestChartNumber(paths: readonly string[], pattern: string | null, last: string | null): ChartSuggestion {
  const offered = last && chartNumberProblem(last) === null ? last : null;
  const regex = compile(pattern);
  if (regex) {
    const found = new Set<string>();
    for (const path of paths) {
      const value = chartIn(namesOf(path), regex);
      if (value) found.add(value);
    }
    // Files naming two different charts: guessing one would misfile the other.
    if (found.size === 1) return { value: [...found][0] as string, source: 'pattern', last: offered };
  }
  return { value: '', source: 'none', last: offered };
}

export function readLastChartNumber(): string | null {
  try {
    return window.localStorage.getItem(LAST_KEY);
  } catch {
    return null;
  }
}

export function rememberChartNumber(value: string): void {
  try {
    window.localStorage.setItem(LAST_KEY, value);
  } catch {
    // Storage full or disabled: no chip is offered next time.
  }
}
