/**
 * Main reads only paths the user handed over. The attack: a compromised page
 * names a folder or a document of its own choosing (a UNC path on Windows,
 * the user's SSH keys, a patient file elsewhere on disk) — refused, nothing
 * read, nothing listed, nothing queued.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, ipcEventFrom, resetFakeElectron } from '../support/fakeElectron';
import { bootShell } from './fixtures/bootShell';
import { DROPPED_PATH_CHANNEL } from '../../src/shared/ipc';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

let dir: string;
beforeEach(() => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'intake-grants-'));
  writeFileSync(join(dir, 'other-patient.pdf'), '%PDF-1.4\n%%EOF\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const refusal = { ok: false, error: { code: 'invalid_request', message: expect.stringContaining('not chosen by you') } };

describe('granted paths only', () => {
  it('a path the page names on its own is refused: nothing inspected, listed or queued', async () => {
    const boot = await bootShell();
    const inspect = vi.spyOn(boot.core.queue, 'inspect');
    const enqueue = vi.spyOn(boot.core.queue, 'enqueue');
    expect(await boot.invoke('inspectFiles', [[dir]])).toEqual(refusal);
    expect(await boot.invoke('inspectFiles', [[join(dir, 'other-patient.pdf')]])).toEqual(refusal);
    expect(await boot.invoke('enqueue', [{ chartNumber: 'C-1', files: [join(dir, 'other-patient.pdf')] }])).toEqual(refusal);
    expect(inspect).not.toHaveBeenCalled();
    expect(enqueue).not.toHaveBeenCalled();
  });

  it('what the user dropped (reported by the preload from our window), picked or opened with Intake is read', async () => {
    const boot = await bootShell();
    boot.grant(dir);
    expect(await boot.invoke('inspectFiles', [[join(dir, 'other-patient.pdf')]])).toMatchObject({ ok: true });

    fake.dialogResult = { canceled: false, filePaths: ['/picked/scan.pdf'] };
    await boot.invoke('pickFiles', [undefined]);
    expect(await boot.invoke('enqueue', [{ chartNumber: 'C-2', files: ['/picked/scan.pdf'] }])).toMatchObject({ ok: true });

    boot.running.shell.openFiles(['/opened/with/intake.pdf']);
    expect(boot.sent('openFiles')).toEqual([['/opened/with/intake.pdf']]);
    expect(await boot.invoke('enqueue', [{ chartNumber: 'C-3', files: ['/opened/with/intake.pdf'] }])).toMatchObject({ ok: true });
  });

  it('a drop report from a child frame grants nothing; neither does a network path dropped or opened', async () => {
    const boot = await bootShell();
    const window = boot.window();
    const child = { ...window.webContents.mainFrame, parent: window.webContents.mainFrame, frameTreeNodeId: 99 };
    fake.ipcMain.emit(DROPPED_PATH_CHANNEL, ipcEventFrom(window, child as never), dir);
    expect(await boot.invoke('inspectFiles', [[dir]])).toEqual(refusal);
    boot.grant('//fileserver/share/scan.pdf');
    boot.running.shell.openFiles(['//fileserver/share/other.pdf']);
    expect(boot.sent('openFiles')).toEqual([]);
    expect(await boot.invoke('enqueue', [{ chartNumber: 'C-4', files: ['//fileserver/share/scan.pdf'] }])).toEqual(refusal);
  });
});
