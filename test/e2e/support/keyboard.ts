/** Keyboard-only driving: where focus is, in words, and Tab until it gets somewhere. */
import type { Page } from 'playwright-core';

/**
 * The focused element as a short description: `button "Add documents"`,
 * `tab "Active" selected`, `row id-FAIL-2`, `input #chart-number`, `body`.
 */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (el === null || el === document.body) return 'body';
    const jobId = el.getAttribute('data-job-id');
    if (jobId !== null) return `row ${jobId}`;
    if (el.tagName === 'INPUT') return `input #${el.id}`;
    const role = el.getAttribute('role') ?? el.tagName.toLowerCase();
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim().replace(/\s+/g, ' ') ?? '';
    return `${role} "${name.slice(0, 60)}"${el.getAttribute('aria-selected') === 'true' ? ' selected' : ''}`;
  });
}

/** Presses Tab (or Shift+Tab) until `target` has focus; fails after `max` presses. Returns the presses. */
export async function tabTo(page: Page, target: string, { back = false, max = 40 } = {}): Promise<number> {
  const seen: string[] = [];
  for (let presses = 1; presses <= max; presses += 1) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    if (now === target) return presses;
    seen.push(now);
  }
  throw new Error(`Tab never reached ${target}; went through: ${seen.join(' → ')}`);
}
