/**
 * Which chart a file in the hot folder belongs to: the name of its first-level
 * sub-folder (DIR/<chart>/scan.pdf), else the --chart-from pattern over the
 * file name (first capture group, else the whole match).
 */
import path from 'node:path';
import { chartNumberProblem } from '../shared/protocol';

export type ChartDerivation = { ok: true; chartNumber: string } | { ok: false; reason: string };

export function chartForFile(root: string, file: string, pattern: RegExp | null): ChartDerivation {
  const parts = path.relative(root, file).split(path.sep);
  const problems: string[] = [];
  if (parts.length >= 2) {
    const folder = parts[0] as string;
    const problem = chartNumberProblem(folder);
    if (problem === null) return { ok: true, chartNumber: folder };
    problems.push(`the sub-folder name "${folder}" is not a chart number (${problem})`);
  }
  const name = path.basename(file);
  if (pattern !== null) {
    const match = pattern.exec(name);
    if (match === null) problems.push(`the file name does not match the --chart-from pattern ${pattern.source}`);
    else {
      const candidate = match[1] ?? match[0];
      const problem = chartNumberProblem(candidate);
      if (problem === null) return { ok: true, chartNumber: candidate };
      problems.push(`the --chart-from pattern gave "${candidate}", which is not a chart number (${problem})`);
    }
  } else if (parts.length < 2) {
    problems.push('the file is not in a sub-folder named after its chart (DIR/<chart>/file) and no --chart-from pattern was given');
  }
  return { ok: false, reason: `No chart number for this file: ${problems.join('; ')}.` };
}
