/**
 * What a user does and sees, as page operations: drop files on the window,
 * read the rows. Drops are real DragEvents carrying a real DataTransfer, as
 * Chromium builds them for a drag from the file manager (minus the paths,
 * which the test bridge supplies — see test/support/testBridge.ts).
 */
import type { Page } from 'playwright-core';

/** Drags files named `names` over the window; resolves once the overlay shows, then drops them. */
export async function dropFiles(page: Page, names: string[], options: { onOverlay?: () => Promise<void> } = {}): Promise<void> {
  await page.evaluate((fileNames) => {
    const transfer = new DataTransfer();
    for (const name of fileNames) transfer.items.add(new File(['x'], name));
    (window as unknown as { __dragTransfer: DataTransfer }).__dragTransfer = transfer;
    document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, names);
  await page.waitForSelector('[data-testid=drop-overlay]', { timeout: 10_000 });
  await options.onOverlay?.();
  await page.evaluate(() => {
    const transfer = (window as unknown as { __dragTransfer: DataTransfer }).__dragTransfer;
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('[data-testid=drop-overlay]', { state: 'detached', timeout: 10_000 });
}

/** The row of the job for `chartNumber` (the list is virtualized: it must be on screen). */
export function rowOf(page: Page, chartNumber: string) {
  return page.locator('.row', { has: page.locator('.chart', { hasText: new RegExp(`^${chartNumber}$`) }) });
}

/**
 * Records, inside the page, every distinct "current phase" label the row of
 * `chartNumber` shows, and every upload text, on each DOM mutation — so a
 * phase that is lit for a few hundred milliseconds cannot slip between polls.
 */
export async function recordRow(page: Page, chartNumber: string): Promise<void> {
  await page.evaluate((chart) => {
    const seen = { phases: [] as string[], uploads: [] as string[], pills: [] as string[], statuses: [] as string[] };
    (window as unknown as { __rowLog: typeof seen }).__rowLog = seen;
    const note = (list: string[], value: string | null | undefined) => {
      if (value && list[list.length - 1] !== value) list.push(value);
    };
    const look = () => {
      const row = [...document.querySelectorAll('.row')].find((r) => r.querySelector('.chart')?.textContent === chart);
      if (!row) return;
      note(seen.phases, row.querySelector('.step-current .step-label, .step-failed .step-label')?.textContent);
      note(seen.uploads, row.querySelector('.upload-text')?.textContent);
      note(seen.pills, row.querySelector('.pill')?.textContent);
      note(seen.statuses, row.querySelector('.row-status')?.textContent);
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    look();
  }, chartNumber);
}

export interface RowLog {
  phases: string[];
  uploads: string[];
  pills: string[];
  statuses: string[];
}

export async function rowLog(page: Page): Promise<RowLog> {
  return page.evaluate(() => (window as unknown as { __rowLog: RowLog }).__rowLog);
}

/**
 * Waits until the row of `chartNumber` shows `pill`, checking on every frame:
 * a state that lasts a few hundred milliseconds (a server retry) would slip
 * between the slower polls of locator.waitFor.
 */
export async function waitForPill(page: Page, chartNumber: string, pill: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    ([chart, text]) =>
      [...document.querySelectorAll('.row')].some((row) => row.querySelector('.chart')?.textContent === chart && row.querySelector('.pill')?.textContent === text),
    [chartNumber, pill] as const,
    { polling: 'raf', timeout },
  );
}
