/**
 * IPC fuzz: every handler of the contract, given wrong types, missing and
 * extra fields, huge strings, too many arguments, paths that do not exist,
 * unknown job ids, and calls from a foreign frame. Each must answer with a
 * typed error, never throw, never crash main, and leave the REAL queue and
 * the settings exactly as they were.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CALL_NAMES, IPC_ERROR_CODES, type IpcCallName } from '../../src/shared/ipc';
import { FakeBrowserWindow, FakeFrame, resetFakeElectron } from '../support/fakeElectron';
import { bootShell } from './fixtures/bootShell';
import { makeJob } from './fixtures/jobs';
import { HostGoneError } from '../../src/core/host/rpcPeer';
import { HOST_DOWN_MESSAGE } from '../../src/main/ipc/ipcGate';
import { realQueueCore } from './fixtures/realQueueCore';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

let dir: string;
let realPdf: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'intake-fuzz-'));
  realPdf = join(dir, 'real.pdf');
  writeFileSync(realPdf, '%PDF-1.4\n1 0 obj\n<< /Type /Page >>\nendobj\n%%EOF\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => resetFakeElectron());

const HUGE = 'x'.repeat(1_000_000);
const deep = (): unknown => {
  let value: unknown = 'end';
  for (let i = 0; i < 2_000; i++) value = [value];
  return value;
};
/** Bad for every call, whatever its schema. */
const universal: unknown[][] = [
  [42],
  [true],
  [HUGE],
  [[HUGE]],
  [deep()],
  [{ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }],
  [Number.NaN],
  [new Date(0)],
  [undefined, 'second argument'],
];
/** Extra bad payloads per call (valid-looking shapes with bad contents). */
const perCall: Record<IpcCallName, unknown[][]> = {
  inspectFiles: [[[]], [[42]], [['']], [[HUGE]], [Array.from({ length: 10_001 }, () => '/a.pdf')], [['relative/scan.pdf']], [['/a\0b.pdf']], [undefined]],
  enqueue: [
    [undefined],
    [{}],
    [{ chartNumber: 'OK-1' }],
    [{ files: ['/x.pdf'] }],
    [{ chartNumber: 'OK-1', files: [] }],
    [{ chartNumber: 'OK-1', files: '/x.pdf' }],
    [{ chartNumber: 42, files: ['/x.pdf'] }],
    [{ chartNumber: 'OK-1', files: ['/x.pdf'], extra: true }],
    [{ chartNumber: HUGE, files: ['/x.pdf'] }],
    [{ chartNumber: 'bad chart!', files: [] }],
    [{ chartNumber: 'has space', files: ['REAL'] }],
    [{ chartNumber: '', files: ['REAL'] }],
    [{ chartNumber: 'OK-1', files: ['/definitely/not/here.pdf'] }],
    [{ chartNumber: 'OK-1', files: ['relative.pdf'] }],
    [{ chartNumber: 'OK-1', files: ['REAL', '/definitely/not/here.pdf'] }],
  ],
  pickFiles: [['unexpected'], [{}], [null]],
  cancel: [[undefined], [''], [HUGE], ['no-such-job'], [{ id: 'done-1' }], ['done-1']],
  undo: [[undefined], [''], [HUGE], ['no-such-job'], [{ id: 'done-1' }], ['done-1']],
  retry: [[undefined], [''], ['no-such-job'], [['done-1']], ['done-1']],
  refile: [[undefined], [{}], [{ id: 'done-1' }], [{ id: 'done-1', chartNumber: 42 }], [{ id: 'done-1', chartNumber: 'A 1' }], [{ id: 'done-1', chartNumber: 'OK-1', extra: true }], [{ id: 'done-1', chartNumber: 'OK-1' }]],
  remove: [[undefined], [''], ['no-such-job'], [null]],
  clearFinished: [[0], [{}], ['all']],
  pauseAll: [[{}], [null], ['yes']],
  resumeAll: [[{}], [null], ['yes']],
  getSnapshot: [[{}], [null], [{ firstScreen: false }], [{ firstScreen: true, all: true }], ['firstScreen']],
  getResults: [[undefined], ['no-such-job'], ['failed-1'], [HUGE]],
  getSettings: [[{}], [null]],
  pickHotFolder: [[{}], ['/home/nurse'], [{ path: '/' }]],
  pickCaFile: [[{}], ['/etc/ssl/private/key.pem']],
  pickDialectFile: [[{}], ['/etc/passwd']],
  testConnection: [[{}], ['https://evil.example']],
  openLogFolder: [[{}], ['/etc']],
  saveDiagnostics: [[{}], ['/tmp/out.txt']],
  updateSettings: [
    [undefined],
    [null],
    [{ serverUrl: 42 }],
    [{ serverUrl: HUGE }],
    [{ serverUrl: 'http://evil.example/api' }],
    [{ serverUrl: 'javascript:alert(1)' }],
    [{ uploadConcurrency: 1000 }],
    [{ uploadConcurrency: 1.5 }],
    [{ historySize: -1 }],
    [{ unknownSetting: true }],
    [{ chartNumberPattern: '([' }],
    [{ hotFolder: { path: null, enabled: true } }],
    [{ hotFolder: 'yes' }],
  ],
  setToken: [[undefined], [''], ['   '], ['t'.repeat(8193)], [{ token: 'x' }], ['two words'], ['line\nbreak'], ['t\u00f6ken']],
  revealFiles: [[undefined], ['no-such-job'], ['failed-1'], [HUGE]],
  readDocument: [
    [undefined],
    [{}],
    ['REAL'],
    [{ path: 'REAL' }], // real, but never handed over by the user
    [{ path: 'relative.pdf' }],
    [{ path: '/etc/passwd' }],
    [{ path: HUGE }],
    [{ path: 'REAL', jobId: 'done-1', file: 0 }],
    [{ jobId: 'done-1', file: -1 }],
    [{ jobId: 'done-1', file: 1.5 }],
    [{ jobId: 'done-1', file: 7 }],
    [{ jobId: 'done-1', file: 0 }],
    [{ jobId: 'no-such-job', file: 0 }],
  ],
};

/** 'REAL' in a fuzz case stands for a real, valid PDF on disk (so only the other field is wrong). */
function withRealFile(value: unknown): unknown {
  if (value === 'REAL') return realPdf;
  if (Array.isArray(value)) return value.map(withRealFile);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRealFile(v)]));
  }
  return value;
}

async function bootWithRealQueue() {
  const seed = [
    makeJob('completed', { id: 'done-1', files: [{ path: '/gone/file.pdf', name: 'file.pdf', size: 10, type: 'pdf' }] }),
    makeJob('failed', { id: 'failed-1', files: [{ path: '/gone/other.pdf', name: 'other.pdf', size: 10, type: 'pdf' }] }),
  ];
  const real = realQueueCore(seed);
  const boot = await bootShell({ core: real.core });
  return { ...real, boot };
}

describe('IPC fuzz', () => {
  it('every bad payload gets a typed error and changes nothing', async () => {
    const { queue, boot, tracker } = await bootWithRealQueue();
    const before = JSON.stringify(queue.snapshot());
    const settingsBefore = JSON.stringify(await boot.invoke('getSettings', [undefined]));
    const trackerBefore = tracker.calls.length;
    let cases = 0;
    for (const name of IPC_CALL_NAMES) {
      for (const rawArgs of [...universal, ...perCall[name]]) {
        const fixed = rawArgs.map(withRealFile);
        const result = (await boot.invoke(name, fixed)) as { ok: boolean; error?: { code: string; message: string } };
        cases++;
        const label = `${name}(${JSON.stringify(fixed).slice(0, 80)})`;
        if (name === 'inspectFiles' && result.ok) {
          // An inspection is the designed answer for real-looking absolute paths: every file rejected with its reason.
          const value = (result as unknown as { value: { accepted: unknown[]; rejected: Array<{ reason: string }> } }).value;
          expect(value.accepted, label).toEqual([]);
          expect(value.rejected.every((r) => r.reason.length > 0), label).toBe(true);
          continue;
        }
        expect(result.ok, label).toBe(false);
        expect(IPC_ERROR_CODES, label).toContain(result.error!.code);
        expect(result.error!.message.length, label).toBeGreaterThan(5);
        expect(result.error!.message.length, label).toBeLessThan(500); // the payload is never echoed back
        expect(JSON.stringify(queue.snapshot()), label).toBe(before);
      }
    }
    expect(cases).toBeGreaterThan(150);
    expect(JSON.stringify(await boot.invoke('getSettings', [undefined]))).toBe(settingsBefore);
    expect(tracker.calls.length).toBe(trackerBefore);
    expect(queue.paused).toBe(false);
    await queue.dispose();
  }, 60_000);

  it('answers with the specific code: invalid_payload with the issue path, not_found, invalid_request', async () => {
    const { boot, queue } = await bootWithRealQueue();
    const invalid = (await boot.invoke('enqueue', [{ chartNumber: 'OK-1', files: ['/a.pdf', 42] }])) as { error: { code: string; message: string } };
    expect(invalid.error.code).toBe('invalid_payload');
    expect(invalid.error.message).toContain('files.1');
    expect(await boot.invoke('cancel', ['no-such-job'])).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await boot.invoke('cancel', ['done-1'])).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await boot.invoke('retry', ['done-1'])).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await boot.invoke('getResults', ['failed-1'])).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await boot.invoke('revealFiles', ['failed-1'])).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await boot.invoke('readDocument', [{ jobId: 'failed-1', file: 0 }])).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await boot.invoke('readDocument', [{ jobId: 'failed-1', file: 3 }])).toMatchObject({ ok: false, error: { code: 'not_found', message: 'That job has no such file.' } });
    expect(await boot.invoke('readDocument', [{ path: realPdf }])).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('not chosen by you') } });
    const missing = (await boot.invoke('enqueue', [{ chartNumber: 'OK-1', files: ['/definitely/not/here.pdf'] }])) as { error: { code: string; message: string } };
    expect(missing.error.code).toBe('invalid_request');
    expect(missing.error.message.length).toBeGreaterThan(10);
    const chart = (await boot.invoke('enqueue', [{ chartNumber: 'has space', files: [realPdf] }])) as { error: { code: string; message: string } };
    expect(chart.error).toMatchObject({ code: 'invalid_request' });
    await queue.dispose();
  });

  it('refuses calls from a child frame, a navigated main frame and another window — before validating', async () => {
    const { boot, queue } = await bootWithRealQueue();
    const before = JSON.stringify(queue.snapshot());
    const window = boot.window();
    const child = new FakeFrame('app://intake/index.html');
    child.parent = window.webContents.mainFrame;
    for (const name of IPC_CALL_NAMES) {
      expect(await boot.invoke(name, [undefined], child), name).toEqual({ ok: false, error: { code: 'forbidden_sender', message: expect.any(String) } });
    }
    // The main frame itself after it was (somehow) navigated away from our UI.
    window.webContents.mainFrame.url = 'https://evil.example/';
    expect(await boot.invoke('pauseAll', [undefined])).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    window.webContents.mainFrame.url = 'app://intake/index.html';
    // Our own main frame is served.
    expect(await boot.invoke('getSnapshot', [undefined])).toMatchObject({ ok: true });
    // A frame of another web contents.
    const other = new FakeBrowserWindow({});
    const { fake } = await import('../support/fakeElectron');
    const { ipcChannel } = await import('../../src/shared/ipc');
    const fromOther = { sender: other.webContents, senderFrame: other.webContents.mainFrame };
    other.webContents.mainFrame.url = 'app://intake/index.html';
    expect(await fake.ipcMain.invoke(ipcChannel('pauseAll'), fromOther, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await fake.ipcMain.invoke(ipcChannel('pauseAll'), { sender: window.webContents, senderFrame: null }, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(queue.paused).toBe(false);
    expect(JSON.stringify(queue.snapshot())).toBe(before);
    await queue.dispose();
  });

  it('a handler that throws unexpectedly answers internal, without its message (which could hold a path)', async () => {
    const { boot, queue } = await bootWithRealQueue();
    vi.spyOn(queue, 'clearFinished').mockImplementation(() => {
      throw new Error('EACCES: permission denied, open /home/nurse/CHART-123/scan.pdf');
    });
    const result = (await boot.invoke('clearFinished', [undefined])) as { ok: boolean; error: { code: string; message: string } };
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(result.error.message).not.toContain('CHART-123');
    expect(boot.logger.lines.join('\n')).not.toContain('CHART-123');
    await queue.dispose();
  });

  it("a call that meets the core's process down answers unavailable, saying it is starting again", async () => {
    const { boot, queue } = await bootWithRealQueue();
    vi.spyOn(queue, 'clearFinished').mockImplementation(() => {
      throw new HostGoneError('the channel was disconnected');
    });
    const result = await boot.invoke('clearFinished', [undefined]);
    expect(result).toEqual({ ok: false, error: { code: 'unavailable', message: HOST_DOWN_MESSAGE } });
    await queue.dispose();
  });

  it('logs no chart numbers or paths while refusing bad calls', async () => {
    const { boot, queue } = await bootWithRealQueue();
    await boot.invoke('enqueue', [{ chartNumber: 'SECRET-CHART-7', files: ['/home/nurse/SECRET-DOC.pdf'] }]);
    await boot.invoke('enqueue', [{ chartNumber: 'SECRET CHART 7', files: [realPdf] }]);
    await boot.invoke('inspectFiles', [['/home/nurse/SECRET-DOC.pdf']]);
    const log = boot.logger.lines.join('\n');
    expect(log).not.toContain('SECRET');
    expect(log).not.toContain(dir);
    await queue.dispose();
  });
});
