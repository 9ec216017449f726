/**
 * The IPC calls' good paths over the fake electron and the fake core: each
 * does what it says, with paths taken from the queue, never from the page.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, resetFakeElectron } from '../support/fakeElectron';
import { bootShell } from './fixtures/bootShell';
import { makeJob } from './fixtures/jobs';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

const dirs: string[] = [];
beforeEach(() => resetFakeElectron());
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('IPC calls, good paths', () => {
  it('revealFiles shows the first file that still exists, by the queue\'s path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-reveal-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'second.pdf'), '%PDF-');
    const boot = await bootShell();
    const job = boot.core.queue.put(
      makeJob('completed', {
        files: [
          { path: join(dir, 'moved-away.pdf'), name: 'moved-away.pdf', size: 1, type: 'pdf' },
          { path: join(dir, 'second.pdf'), name: 'second.pdf', size: 1, type: 'pdf' },
        ],
      }),
    );
    expect(await boot.invoke('revealFiles', [job.id])).toEqual({ ok: true, value: undefined });
    expect(fake.calls.filter((c) => c.api === 'shell').map((c) => [c.method, c.args[0]])).toEqual([['showItemInFolder', join(dir, 'second.pdf')]]);
  });

  it('pickFiles opens the native dialog on the window and returns the chosen paths (empty when cancelled)', async () => {
    const boot = await bootShell();
    expect(await boot.invoke('pickFiles', [undefined])).toEqual({ ok: true, value: [] });
    fake.dialogResult = { canceled: false, filePaths: ['/a.pdf', '/b.png'] };
    expect(await boot.invoke('pickFiles', [undefined])).toEqual({ ok: true, value: ['/a.pdf', '/b.png'] });
    const call = fake.calls.find((c) => c.api === 'dialog')!;
    expect(call.args[0]).toBe(boot.window());
    expect(call.args[1]).toMatchObject({ properties: ['openFile', 'multiSelections'] });
  });

  it('enqueue, cancel, retry, remove, results and clearFinished reach the queue', async () => {
    const boot = await bootShell();
    boot.grant('/x.pdf');
    const enqueued = (await boot.invoke('enqueue', [{ chartNumber: 'A-1', files: ['/x.pdf'] }])) as { ok: true; value: { id: string } };
    expect(enqueued.ok).toBe(true);
    const id = enqueued.value.id;
    expect(await boot.invoke('cancel', [id])).toEqual({ ok: true, value: undefined });
    expect(boot.core.queue.get(id)?.stage).toBe('cancelled');
    expect(await boot.invoke('retry', [id])).toEqual({ ok: true, value: undefined });
    expect(boot.core.queue.get(id)?.stage).toBe('queued');
    const done = boot.core.queue.put(makeJob('completed'));
    expect(await boot.invoke('getResults', [done.id])).toEqual({ ok: true, value: { documents: [] } });
    expect(await boot.invoke('clearFinished', [undefined])).toEqual({ ok: true, value: 0 });
    expect(await boot.invoke('remove', [id])).toEqual({ ok: true, value: undefined });
    expect(boot.core.queue.get(id)).toBeUndefined();
  });

  it('undo (the "Sent — Undo" toast) removes a job the server has not accepted, cancels one it holds, refuses an ended one', async () => {
    const boot = await bootShell();
    const queued = boot.core.queue.put(makeJob('queued'));
    expect(await boot.invoke('undo', [queued.id])).toEqual({ ok: true, value: 'removed' });
    expect(boot.core.queue.get(queued.id)).toBeUndefined();
    const held = boot.core.queue.put(makeJob('tracking'));
    expect(await boot.invoke('undo', [held.id])).toEqual({ ok: true, value: 'cancelling' });
    expect(boot.core.queue.get(held.id)?.stage).toBe('cancelled'); // this stand-in queue cancels at once
    const done = boot.core.queue.put(makeJob('completed'));
    expect(await boot.invoke('undo', [done.id])).toEqual({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/nothing to undo/) } });
    expect(boot.core.queue.get(done.id)?.stage).toBe('completed');
  });

  it('refile validates the chart number as everywhere and refuses an ended job', async () => {
    const boot = await bootShell();
    const queued = boot.core.queue.put(makeJob('queued'));
    expect(await boot.invoke('refile', [{ id: queued.id, chartNumber: 'A B' }])).toEqual({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/contains " "/) } });
    expect(await boot.invoke('refile', [{ id: queued.id, chartNumber: 'NEW-1' }])).toEqual({ ok: true, value: expect.objectContaining({ id: queued.id, chartNumber: 'NEW-1' }) });
    const done = boot.core.queue.put(makeJob('completed'));
    expect(await boot.invoke('refile', [{ id: done.id, chartNumber: 'NEW-2' }])).toEqual({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/cannot be re-filed/) } });
  });

  it('readDocument answers the bytes and detected type of a granted path or a job\'s file, and a clear error otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-read-'));
    dirs.push(dir);
    const pdf = join(dir, 'scan.pdf');
    writeFileSync(pdf, '%PDF-1.7\nbody');
    const boot = await bootShell();
    expect(await boot.invoke('readDocument', [{ path: pdf }])).toEqual({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/not chosen by you/) } });
    boot.grant(dir); // a dropped folder grants what is inside it
    const read = (await boot.invoke('readDocument', [{ path: pdf }])) as { ok: true; value: { type: string; bytes: Uint8Array } };
    expect(read.value.type).toBe('pdf');
    expect(Buffer.from(read.value.bytes).toString('latin1')).toBe('%PDF-1.7\nbody');
    const job = boot.core.queue.put(makeJob('completed', { files: [{ path: pdf, name: 'scan.pdf', size: 14, type: 'pdf' }] }));
    expect(await boot.invoke('readDocument', [{ jobId: job.id, file: 0 }])).toMatchObject({ ok: true, value: { type: 'pdf' } });
    expect(await boot.invoke('readDocument', [{ jobId: job.id, file: 1 }])).toEqual({ ok: false, error: { code: 'not_found', message: 'That job has no such file.' } });
    rmSync(pdf);
    expect(await boot.invoke('readDocument', [{ jobId: job.id, file: 0 }])).toEqual({ ok: false, error: { code: 'not_found', message: expect.stringMatching(/no longer where it was/) } });
  });

  it('getResults answers unavailable when the server cannot be reached', async () => {
    const boot = await bootShell();
    const done = boot.core.queue.put(makeJob('completed'));
    boot.core.queue.getResults = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    };
    expect(await boot.invoke('getResults', [done.id])).toEqual({ ok: false, error: { code: 'unavailable', message: expect.any(String) } });
  });
});
