/**
 * The window from 640×420 (also what 1280×840 shows at 200 % zoom: the same
 * CSS pixels) up to 4K: nothing scrolls sideways, and every control of the
 * header and of each visible row is on screen and not covered or cut off.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppHarness } from './support/appHarness';
import { jobsInEveryState, openScriptedApp, ScriptedBackend } from './support/scriptedBackend';

let app: AppHarness;
const backend = new ScriptedBackend(jobsInEveryState());

beforeAll(async () => {
  app = await openScriptedApp(backend);
  await app.page.locator('.row').first().waitFor();
});
afterAll(async () => app?.close());

/** Buttons (in `scope`) that are off screen, or whose centre shows something else (cut off or covered). */
function hiddenControls(page: Page, scope: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const problems: string[] = [];
    for (const button of document.querySelectorAll<HTMLElement>(`${selector} button`)) {
      const box = button.getBoundingClientRect();
      const onScreen = box.left >= 0 && box.top >= 0 && box.right <= innerWidth && box.bottom <= innerHeight;
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      if (!onScreen || hit === null || !button.contains(hit)) problems.push(`${button.textContent} at ${Math.round(box.left)},${Math.round(box.top)} ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    return problems;
  }, scope);
}

it.each([
  { width: 640, height: 420 },
  { width: 1024, height: 700 },
  { width: 3840, height: 2160 },
])('at $width×$height nothing is cut off and nothing scrolls sideways', async (viewport) => {
  const { page } = app;
  await page.setViewportSize(viewport);
  await page.locator('.list-scroll').evaluate((list) => list.scrollTo(0, 0));
  await expect(page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).resolves.toBe(true);
  await expect(hiddenControls(page, '.header')).resolves.toEqual([]);
  await expect(hiddenControls(page, '.toolbar')).resolves.toEqual([]);
  // The first row is fully in view at every size; its actions must be too.
  await expect(hiddenControls(page, '.list-slot:first-child')).resolves.toEqual([]);
  const row = await page.locator('.row').first().boundingBox();
  expect(row!.x + row!.width).toBeLessThanOrEqual(viewport.width);
  await app.screenshot(`layout-${viewport.width}x${viewport.height}`);
  expect(app.errors).toEqual([]);
});
