/**
 * The floor for the to-pixels figure: the least a page can do with the same
 * stream. No React, no store: a plain page in the same browser, showing the
 * same rows as the app's virtualized list (the ids the app has in its DOM, in
 * order), fed the same delta batches through the same kind of bridge call.
 * It keeps each job (applying patches in place) and writes the status
 * message of a visible job straight into its row, synchronously.
 */
import type { BrowserContext, Page } from 'playwright-core';

const FLOOR_SCRIPT = `
const rows = new Map();
const jobs = new Map();
globalThis.__floorInit = (ids) => {
  const list = document.getElementById('list');
  for (const id of ids) {
    const row = document.createElement('div');
    row.setAttribute('data-job-id', id);
    row.style.height = '56px';
    list.appendChild(row);
    rows.set(id, row);
  }
};
globalThis.__intakeEmit = (event, deltas) => {
  if (event !== 'jobs') return;
  const touched = new Set();
  for (const delta of deltas) {
    if (delta.type === 'upsert') { jobs.set(delta.job.id, delta.job); touched.add(delta.job.id); continue; }
    if (delta.type === 'remove') { jobs.delete(delta.id); continue; }
    const job = jobs.get(delta.id);
    if (job === undefined) continue;
    for (const field of delta.fields) {
      let target = job;
      for (const key of field.path.slice(0, -1)) target = target[key] ??= {};
      const last = field.path[field.path.length - 1];
      if ('removed' in field) delete target[last]; else target[last] = field.value;
    }
    touched.add(delta.id);
  }
  for (const id of touched) {
    const row = rows.get(id);
    if (row === undefined) continue;
    const message = jobs.get(id)?.server?.message ?? '';
    if (row.textContent !== message) row.textContent = message;
  }
};
`;

export async function openFloorPage(context: BrowserContext, visibleIds: readonly string[]): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1200, height: 780 });
  await page.setContent(`<!doctype html><html><body style="margin:0;font:14px sans-serif"><div id="list"></div><script>${FLOOR_SCRIPT}</script></body></html>`);
  await page.evaluate((ids) => (globalThis as unknown as { __floorInit: (ids: readonly string[]) => void }).__floorInit(ids), visibleIds);
  return page;
}
