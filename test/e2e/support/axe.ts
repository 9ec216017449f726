/**
 * axe-core run inside the page, over WCAG 2.1 A and AA. The source is
 * evaluated through the DevTools protocol, which the page's CSP does not
 * govern, so the page itself keeps its production policy (no inline script).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  /** The elements, as CSS selectors, each with axe's summary of what is wrong. */
  nodes: string[];
}

interface RawResult {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

async function run(page: Page, options: object): Promise<AxeFinding[]> {
  const hasAxe = await page.evaluate(() => 'axe' in window);
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    (runOptions) => (window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: RawResult[] }> } }).axe.run(document, runOptions),
    options,
  );
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? null,
    help: v.help,
    nodes: v.nodes.map((node) => `${node.target.join(' ')} — ${(node.failureSummary ?? '').replace(/\s+/g, ' ')}`),
  }));
}

/** Violations of WCAG 2.1 A/AA in the page as it is now. */
export function wcagViolations(page: Page): Promise<AxeFinding[]> {
  return run(page, { runOnly: { type: 'tag', values: WCAG_21_AA }, resultTypes: ['violations'] });
}

/** axe's best-practice findings (not WCAG requirements): each must be fixed or justified by the caller. */
export function bestPracticeFindings(page: Page): Promise<AxeFinding[]> {
  return run(page, { runOnly: { type: 'tag', values: ['best-practice'] }, resultTypes: ['violations'] });
}
