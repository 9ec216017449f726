/**
 * "See what you send" end to end: the built UI in Chromium (production CSP),
 * the real core behind main's handlers, the real reference server. Three real
 * documents — a PDF of 3 pages, a TIFF of 2, a PNG — are dropped: each shows
 * its first page and page count; the large preview walks pages and documents
 * with the arrow keys; the job is sent, undone before the server holds it (0
 * jobs) and, sent again, undone after (1 job, cancelled); the same files a
 * third time carry the "Already sent" warning; the job row's "Show files"
 * opens the same preview; a JPEG (from Chromium's encoder) shows its page; a
 * document that cannot be shown says so and is sent.
 * Every state is checked with axe and photographed into test-results/.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ReferenceServer } from '../../src/server/index';
import { makeTempDir, type TempDir } from '../support/files';
import { startServer } from '../support/referenceServer';
import { wcagViolations } from './support/axe';
import { startSession, type IntakeSession } from './support/intakeSession';
import { focused } from './support/keyboard';
import { dropFiles, rowOf, waitForPill } from './support/pageActions';
import { scanPdf, scanPng, scanTiff } from './support/scanDocuments';

let files: TempDir;
let server: ReferenceServer;
let session: IntakeSession;
let paths: Record<string, string>;
const NAMES = ['scan.pdf', 'scan.tiff', 'photo.png'];

beforeAll(async () => {
  server = await startServer({ phaseMs: 60_000 }); // a job stays at the server until it is cancelled
  files = await makeTempDir('intake-e2e-preview-');
  paths = {
    'scan.pdf': await files.file('scan.pdf', scanPdf(3)),
    'scan.tiff': await files.file('scan.tiff', scanTiff(2)),
    'photo.png': await files.file('photo.png', scanPng()),
  };
  session = await startSession({ serverUrl: server.url });
  await session.app.page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 30_000 });
}, 120_000);
afterAll(async () => {
  await session?.close();
  await files?.remove();
});

/** The colour of a canvas's pixel near the top (the page's band), and how much of it is not white. */
function canvasReading(page: Page, selector: string): Promise<{ band: number[]; inked: number }[]> {
  return page.evaluate((css) => {
    return [...document.querySelectorAll<HTMLCanvasElement>(css)].map((canvas) => {
      const context = canvas.getContext('2d')!;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 240 || data[i + 1]! < 240 || data[i + 2]! < 240) inked++;
      const at = (Math.round(canvas.height * 0.04) * canvas.width + Math.round(canvas.width / 2)) * 4;
      return { band: [data[at]!, data[at + 1]!, data[at + 2]!], inked: inked / (canvas.width * canvas.height) };
    });
  }, selector);
}

const near = (rgb: number[], [r, g, b]: number[]) => Math.abs(rgb[0]! - r!) + Math.abs(rgb[1]! - g!) + Math.abs(rgb[2]! - b!) < 40;

/** The same state in the dark theme: no WCAG violation, and a photograph. */
async function inDarkTheme(page: Page, screenshot: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'dark' });
  // Buttons fade their colours: audit the theme, not a frame in between.
  await page.evaluate(() => Promise.all(document.getAnimations().filter((animation) => animation instanceof CSSTransition).map((animation) => animation.finished)));
  expect(await wcagViolations(page)).toEqual([]);
  await session.app.screenshot(screenshot);
  await page.emulateMedia({ colorScheme: 'light' });
}

async function dropTheThree(): Promise<void> {
  const { page } = session.app;
  await session.app.bridge.setDropPaths(paths);
  await dropFiles(page, NAMES);
  await expect.poll(() => page.locator('.file-pages').allTextContents(), { timeout: 20_000 }).toEqual(['3 pages', '2 pages', '1 page']);
}

async function expectPosition(page: Page, text: string): Promise<void> {
  await expect.poll(() => page.locator('.preview-position').textContent(), { timeout: 10_000 }).toBe(text);
  await page.waitForSelector('.preview-stage[data-loading=false] canvas.preview-page');
}

it('three documents show their first page and page count; the preview walks pages and documents with the arrows', async () => {
  const { page } = session.app;
  await dropTheThree();
  const thumbnails = await canvasReading(page, '.file-thumb canvas');
  // The right first page in the right row: the PDF's blue band, the TIFF's green one, the PNG's blue one.
  expect(thumbnails).toHaveLength(3);
  for (const thumbnail of thumbnails) expect(thumbnail.inked).toBeGreaterThan(0.05);
  expect(near(thumbnails[0]!.band, [31, 92, 214])).toBe(true);
  expect(near(thumbnails[1]!.band, [18, 113, 74])).toBe(true);
  expect(near(thumbnails[2]!.band, [31, 91, 214])).toBe(true);
  expect(await wcagViolations(page)).toEqual([]);
  await page.locator('#chart-number').fill('SEE-1');
  await session.app.screenshot('19-add-dialog-thumbnails');
  await inDarkTheme(page, '19-add-dialog-thumbnails-dark');

  await page.getByRole('button', { name: 'Preview scan.pdf (3 pages)' }).click();
  const preview = page.getByTestId('preview-dialog');
  await preview.getByRole('heading', { name: 'scan.pdf' }).waitFor();
  await expectPosition(page, 'Page 1 of 3 · document 1 of 3');
  await page.keyboard.press('ArrowRight');
  await expectPosition(page, 'Page 2 of 3 · document 1 of 3');
  await page.keyboard.press('End');
  await expectPosition(page, 'Page 3 of 3 · document 1 of 3');
  await page.keyboard.press('ArrowRight'); // the last page stays the last
  await expectPosition(page, 'Page 3 of 3 · document 1 of 3');
  await expect(preview.getByRole('img', { name: 'Page 3 of scan.pdf' }).isVisible()).resolves.toBe(true);
  expect(await wcagViolations(page)).toEqual([]);
  await session.app.screenshot('20-preview');
  await inDarkTheme(page, '20-preview-dark');
  await page.keyboard.press('ArrowDown');
  await preview.getByRole('heading', { name: 'scan.tiff' }).waitFor();
  await expectPosition(page, 'Page 1 of 2 · document 2 of 3');
  expect(near((await canvasReading(page, '.preview-page'))[0]!.band, [18, 113, 74])).toBe(true);
  await page.keyboard.press('ArrowRight');
  await expectPosition(page, 'Page 2 of 2 · document 2 of 3');
  expect(near((await canvasReading(page, '.preview-page'))[0]!.band, [180, 43, 40])).toBe(true); // the TIFF's second page is red
  await page.keyboard.press('Escape');
  await preview.waitFor({ state: 'detached' });
  // Back in the add dialog, on the thumbnail that opened the preview, with the chart number kept.
  expect(await focused(page)).toBe('button "Preview scan.pdf (3 pages)"');
  await expect(page.locator('#chart-number').inputValue()).resolves.toBe('SEE-1');
  expect(session.app.errors).toEqual([]);
}, 120_000); // the first drop also starts pdf.js and its worker, on a machine shared by several suites

it('Undo, reached with the keyboard, before the server accepted the upload: the job is gone and the server holds 0 jobs', async () => {
  const { page } = session.app;
  server.injectUploadFaults({ kind: 'stall' }); // the upload never completes: the server has no job yet
  await page.getByRole('button', { name: 'Send 3 files to SEE-1' }).click();
  await page.getByTestId('add-dialog').waitFor({ state: 'detached' });
  const toast = page.getByTestId('undo-toast');
  await toast.getByText('Sent to SEE-1').waitFor();
  await expect.poll(() => session.core.queue.snapshot()[0]?.stage, { timeout: 10_000 }).toBe('uploading');
  // Announced: the toast sits in a polite status region that was in the page before it appeared.
  await expect(page.locator('.toast-region').getAttribute('aria-live')).resolves.toBe('polite');
  expect(await wcagViolations(page)).toEqual([]);
  await session.app.screenshot('21-undo-toast');
  await page.getByRole('button', { name: 'Add documents' }).focus();
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe('button "Undo sending to SEE-1"');
  await page.keyboard.press('Enter');
  await toast.getByText('Undone: nothing was sent to SEE-1.').waitFor();
  expect(session.core.queue.snapshot()).toEqual([]);
  expect(server.jobs()).toEqual([]);
});

it('Undo after the server accepted: the server holds 1 job, cancelled', async () => {
  const { page } = session.app;
  await dropTheThree();
  await page.locator('#chart-number').fill('SEE-2');
  await page.getByRole('button', { name: 'Send 3 files to SEE-2' }).click();
  await expect.poll(() => server.jobs().length, { timeout: 10_000 }).toBe(1);
  await expect.poll(() => session.core.queue.snapshot()[0]?.stage, { timeout: 10_000 }).toBe('tracking');
  await page.getByRole('button', { name: 'Undo sending to SEE-2' }).click();
  await page.getByTestId('undo-toast').getByText('Undone: the server is asked to cancel the job for SEE-2.').waitFor();
  await waitForPill(page, 'SEE-2', 'Cancelled');
  expect(server.jobs()).toEqual([expect.objectContaining({ chartNumber: 'SEE-2', status: 'cancelled' })]);
});

it('the same three documents again: each says "Already sent … to chart SEE-2", next to the chip for the last chart', async () => {
  const { page } = session.app;
  await dropTheThree();
  const dialog = page.getByTestId('add-dialog');
  await expect
    .poll(() => dialog.locator('.file-warning').allTextContents(), { timeout: 10_000 })
    .toEqual(NAMES.map(() => expect.stringMatching(/^Already sent on \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2} to chart SEE-2$/)));
  await dialog.getByRole('button', { name: 'Same chart as before: SEE-2' }).waitFor();
  expect(await wcagViolations(page)).toEqual([]);
  await session.app.screenshot('22-already-sent-with-thumbnails');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});

it('"Show files" on the job row opens the same preview, the files read by the queue\'s paths', async () => {
  const { page } = session.app;
  const show = rowOf(page, 'SEE-2').getByRole('button', { name: 'Show files (chart SEE-2)' });
  await show.click();
  const preview = page.getByTestId('preview-dialog');
  await expectPosition(page, 'Page 1 of 3 · document 1 of 3');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await preview.getByRole('heading', { name: 'photo.png' }).waitFor();
  await expectPosition(page, 'Page 1 of 1 · document 3 of 3');
  expect(near((await canvasReading(page, '.preview-page'))[0]!.band, [31, 91, 214])).toBe(true);
  expect(await wcagViolations(page)).toEqual([]);
  await session.app.screenshot('23-preview-from-job-row');
  await page.keyboard.press('Escape');
  await preview.waitFor({ state: 'detached' });
  expect(await focused(page)).toBe('button "Show files (chart SEE-2)"');
  expect(session.app.errors).toEqual([]);
});

it('a JPEG shows its page; a document that cannot be shown (damaged, or over the preview\'s size) says so; all are sent', async () => {
  const { page } = session.app;
  // A real JPEG, from Chromium's own encoder.
  const jpegBase64 = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(360, 480);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, 360, 480);
    context.fillStyle = '#b42b28';
    context.fillRect(0, 0, 360, 48);
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer());
    return btoa(String.fromCharCode(...bytes));
  });
  const jpeg = await files.file('letter.jpg', Buffer.from(jpegBase64, 'base64'));
  const broken = await files.file('broken.pdf', '%PDF-1.7\nthis is not a PDF body at all\n');
  const huge = await files.sparse('huge.pdf', 70_000_000);
  await session.app.bridge.setDropPaths({ 'letter.jpg': jpeg, 'broken.pdf': broken, 'huge.pdf': huge });
  await dropFiles(page, ['letter.jpg', 'broken.pdf', 'huge.pdf']);
  await expect
    .poll(() => page.locator('.file-pages').allTextContents(), { timeout: 20_000 })
    .toEqual([
      '1 page',
      'No preview: This PDF cannot be read (damaged?). It can still be sent.',
      'No preview: This document is 70 MB; documents over 67 MB are not previewed (it can still be sent).',
    ]);
  expect(near((await canvasReading(page, '.file-thumb canvas'))[0]!.band, [180, 43, 40])).toBe(true);
  await page.getByRole('button', { name: 'Preview broken.pdf: cannot be shown' }).click();
  await page.getByTestId('preview-dialog').getByRole('alert').getByText('This PDF cannot be read (damaged?). It can still be sent.').waitFor();
  expect(await wcagViolations(page)).toEqual([]);
  await session.app.screenshot('24-preview-cannot-show');
  await page.keyboard.press('Escape');
  await page.locator('#chart-number').fill('SEE-3');
  await page.getByRole('button', { name: 'Send 3 files to SEE-3' }).click();
  await expect.poll(() => server.jobs().map((job) => job.chartNumber), { timeout: 30_000 }).toEqual(['SEE-2', 'SEE-3']);
  expect(session.app.errors).toEqual([]);
});
