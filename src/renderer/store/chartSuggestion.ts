/**
 * The chart number the add dialog starts with: taken from the file names by
 * the user's pattern when it matches one valid chart number, else the last
 * one used (kept in localStorage: renderer-local UI memory, not queue state).
 */
import { chartNumberProblem } from '../../shared/protocol';

export interface ChartSuggestion {
  value: string;
  source: 'pattern' | 'last' | 'none';
}

const LAST_KEY = 'intake.lastChartNumber';

export function suggestChartNumber(names: readonly string[], pattern: string | null, last: string | null): ChartSuggestion {
  if (pattern) {
    let regex: RegExp | null = null;
    try {
      regex = new RegExp(pattern);
    } catch {
      regex = null; // an invalid pattern is reported in settings; here it just does not suggest
    }
    const found = new Set<string>();
    for (const name of regex ? names : []) {
      const match = regex?.exec(name);
      const value = match ? (match[1] ?? match[0]) : null;
      if (value && chartNumberProblem(value) === null) found.add(value);
    }
    // Files naming two different charts: guessing one would misfile the other.
    if (found.size === 1) return { value: [...found][0] as string, source: 'pattern' };
  }
  if (last && chartNumberProblem(last) === null) return { value: last, source: 'last' };
  return { value: '', source: 'none' };
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
    // Storage full or disabled: the next dialog just starts empty.
  }
}
