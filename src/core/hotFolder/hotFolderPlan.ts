/**
 * What the desktop app's hot-folder settings ask for: watch which folder with
 * which chart pattern, or nothing. Pure, so the shell only compares plans.
 */
import path from 'node:path';
import type { Settings } from '../../shared/settings';
import { chartPatternProblem } from '../../shared/settingsProblems';
import type { ChartPattern } from './chartForFile';

export type HotFolderPlan =
  | { watch: false; problem: string | null }
  /** `problem`: something the user should fix although watching goes on (an unusable pattern). */
  | { watch: true; root: string; pattern: string | null; problem: string | null };

export function hotFolderPlan(settings: Pick<Settings, 'hotFolder' | 'chartNumberPattern'>): HotFolderPlan {
  const { enabled, path: root } = settings.hotFolder;
  if (!enabled || root === null || root.trim() === '') return { watch: false, problem: null };
  // A relative path would depend on where the app was started from: never what the user meant.
  if (!path.isAbsolute(root)) return { watch: false, problem: 'The hot folder must be a full path (for example /home/me/Scans or C:\\Scans); it is not watched.' };
  const pattern = settings.chartNumberPattern;
  if (pattern === null || pattern === '') return { watch: true, root: path.resolve(root), pattern: null, problem: null };
  // Settings refuse a bad pattern, but a hand-edited or older settings file may still hold one.
  const problem = chartPatternProblem(pattern);
  if (problem !== null) return { watch: true, root: path.resolve(root), pattern: null, problem: `${problem} Hot-folder files outside a chart sub-folder go to failed/ until it is fixed.` };
  return { watch: true, root: path.resolve(root), pattern, problem: null };
}

/** The same folder and pattern: a running watcher can go on as it is. */
export function samePlan(a: HotFolderPlan, b: HotFolderPlan): boolean {
  if (!a.watch || !b.watch) return a.watch === b.watch;
  return a.root === b.root && a.pattern === b.pattern;
}

/** The desktop wording of the chart pattern (the Settings dialog's field). */
export function settingsChartPattern(pattern: string | null): ChartPattern {
  return {
    regex: pattern === null ? null : new RegExp(pattern),
    name: 'chart-number pattern from Settings',
    missing: 'no chart-number pattern is set in Settings',
  };
}
