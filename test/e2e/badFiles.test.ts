/**
 * Bad input in the add dialog: every file that cannot be sent is listed with
 * its specific reason and nothing is enqueued for it; a folder is expanded;
 * a bad chart number is explained inline and blocks the submit.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAGIC, makeTempDir, type TempDir } from '../support/files';
import { startServer } from '../support/referenceServer';
import { startSession, type IntakeSession } from './support/intakeSession';
import { dropFiles } from './support/pageActions';

let files: TempDir;
let session: IntakeSession;

beforeAll(async () => {
  const server = await startServer({ phaseMs: 200 });
  files = await makeTempDir('intake-e2e-bad-');
  session = await startSession({ serverUrl: server.url });
});
afterAll(async () => {
  await session?.close();
  await files?.remove();
});

it('lists each rejected file with its reason and enqueues only the good ones', async () => {
  const { page, bridge } = session.app;
  mkdirSync(join(files.path, 'scans'));
  const folderA = await files.pdf('scans/page-1.pdf');
  const folderB = await files.file('scans/page-2.jpg', Buffer.concat([MAGIC.jpeg, Buffer.alloc(2000, 7)]));
  const good = await files.file('photo.png', Buffer.concat([MAGIC.png, Buffer.alloc(5000, 1)]));
  await bridge.setDropPaths({
    'photo.png': good,
    scans: join(files.path, 'scans'),
    'empty.pdf': await files.file('empty.pdf', ''),
    'notes.docx': await files.file('notes.docx', Buffer.from('PK\u0003\u0004 word/document.xml', 'latin1')),
    'moved-away.pdf': join(files.path, 'moved-away.pdf'), // never created
    // 'clipboard-image.png' is deliberately unknown: like a pasted image with no file on disk.
  });
  await dropFiles(page, ['photo.png', 'scans', 'empty.pdf', 'notes.docx', 'moved-away.pdf', 'clipboard-image.png']);

  const dialog = page.getByTestId('add-dialog');
  await dialog.getByText('Send 3 files').waitFor();
  await expect(dialog.locator('.accepted .file-name').allTextContents()).resolves.toEqual(expect.arrayContaining(['photo.png', 'page-1.pdf', 'page-2.jpg']));
  const reasons = Object.fromEntries(
    await dialog.locator('.rejected li').evaluateAll((items) => items.map((li) => [li.querySelector('.file-name')?.textContent, li.querySelector('.reason')?.textContent])),
  );
  expect(reasons).toEqual({
    'empty.pdf': 'File is empty (0 bytes).',
    'notes.docx': expect.stringMatching(/^Type not accepted: the content is not a PDF, TIFF, PNG or JPEG/),
    'moved-away.pdf': 'File not found (it was moved or deleted).',
    'clipboard-image.png': expect.stringMatching(/has no file on disk/),
  });
  await expect(dialog.locator('.rejected h3').textContent()).resolves.toBe('4 files will not be sent');

  // A chart number with a space is explained inline and nothing is sent.
  await page.locator('#chart-number').fill('AB 12');
  await expect(page.locator('#chart-number-hint').textContent()).resolves.toBe('Chart number contains " "; only letters, digits, ".", "_" and "-" are allowed.');
  await page.locator('#chart-number').press('Enter');
  await session.app.screenshot('09-bad-files-and-chart');
  expect(session.core.queue.snapshot()).toHaveLength(0);

  await page.locator('#chart-number').fill('AB-12');
  await page.locator('#chart-number').press('Enter');
  await dialog.waitFor({ state: 'detached' });
  await expect.poll(() => session.core.queue.snapshot().length, { timeout: 10_000 }).toBe(1);
  const job = session.core.queue.snapshot()[0]!;
  expect(job.chartNumber).toBe('AB-12');
  expect(job.files.map((file) => file.path).sort()).toEqual([folderA, folderB, good].sort());

  // Only bad files: nothing to send, the button stays disabled, Escape closes, still one job.
  await dropFiles(page, ['empty.pdf', 'notes.docx']);
  await dialog.getByText('Nothing to send').waitFor();
  await expect(page.locator('#chart-number').inputValue()).resolves.toBe(''); // never reused silently…
  await dialog.getByRole('button', { name: 'Same chart as before: AB-12' }).waitFor(); // …only offered
  await expect(dialog.getByRole('button', { name: 'Send', exact: true }).isDisabled()).resolves.toBe(true);
  await session.app.screenshot('10-nothing-to-send');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  expect(session.core.queue.snapshot()).toHaveLength(1);
  expect(session.app.errors).toEqual([]);
});
