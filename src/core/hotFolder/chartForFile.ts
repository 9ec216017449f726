/**
 * Which chart a file in the hot folder belongs to: the name of its first-level
 * sub-folder (DIR/<chart>/scan.pdf), else the chart pattern over the file name
 * (first capture group, else the whole match). The reason for a refusal names
 * the pattern the way its front end does (`--chart-from`, or the setting); it
 * is written beside the file, never logged (it quotes names).
 */
import path from 'node:path';
import { chartNumberProblem } from '../../shared/chartNumber';

export type ChartDerivation = { ok: true; chartNumber: string } | { ok: false; reason: string };

export interface ChartPattern {
  regex: RegExp | null;
  /** How the user knows the pattern: "--chart-from pattern", "chart-number pattern in Settings". */
  name: string;
  /** Said when there is no pattern: "no --chart-from pattern was given". */
  missing: string;
}

/** The CLI's wording (`intake watch --chart-from REGEX`). */
export function chartFromOption(regex: RegExp | null): ChartPattern {
  return { regex, name: '--chart-from pattern', missing: 'no --chart-from pattern was given' };
}

export function chartForFile(root: string, file: string, pattern: ChartPattern): ChartDerivation {
  const parts = path.relative(root, file).split(path.sep);
  const problems: string[] = [];
  if (parts.length >= 2) {
    const folder = parts[0] as string;
    const problem = chartNumberProblem(folder);
    if (problem === null) return { ok: true, chartNumber: folder };
    problems.push(`the sub-folder name "${folder}" is not a chart number (${problem})`);
  }
  const name = path.basename(file);
  if (pattern.regex !== null) {
    const match = pattern.regex.exec(name);
    if (match === null) problems.push(`the file name does not match the ${pattern.name} ${pattern.regex.source}`);
    else {
      const candidate = match[1] ?? match[0];
      const problem = chartNumberProblem(candidate);
      if (problem === null) return { ok: true, chartNumber: candidate };
      problems.push(`the ${pattern.name} gave "${candidate}", which is not a chart number (${problem})`);
    }
  } else if (parts.length < 2) {
    problems.push(`the file is not in a sub-folder named after its chart (DIR/<chart>/file) and ${pattern.missing}`);
  }
  return { ok: false, reason: `No chart number for this file: ${problems.join('; ')}.` };
}
