/**
 * The preload exposes exactly the contract as window.intake: one invoke per
 * call, pathForFile, and on() that strips the IpcRendererEvent and returns
 * an unsubscribe function. Calls reach main's real IPC gate.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DROPPED_PATH_CHANNEL, IPC_CALL_NAMES, ipcChannel, type IntakeBridge } from '../../src/shared/ipc';
import { fake, ipcEventFrom, resetFakeElectron } from '../support/fakeElectron';
import { bootShell } from './fixtures/bootShell';

vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);

beforeEach(() => {
  resetFakeElectron();
  vi.resetModules();
});

async function loadPreload(): Promise<IntakeBridge> {
  await import('../../src/preload/index');
  const bridge = fake.exposed.get('intake') as IntakeBridge | undefined;
  if (!bridge) throw new Error('preload exposed nothing as "intake"');
  return bridge;
}

describe('preload bridge', () => {
  it('exposes exactly the contract: every call, pathForFile, on — and nothing else', async () => {
    const bridge = await loadPreload();
    expect(Object.keys(bridge).sort()).toEqual([...IPC_CALL_NAMES, 'pathForFile', 'on'].sort());
    expect([...fake.exposed.keys()]).toEqual(['intake']);
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/ipcRenderer|process|require/);
  });

  it('calls reach main through the IPC gate and come back as IpcResult', async () => {
    const boot = await bootShell();
    fake.rendererInvokeEvent = ipcEventFrom(boot.window());
    const bridge = await loadPreload();
    expect(await bridge.getSnapshot()).toMatchObject({ ok: true, value: { demoServer: true, paused: false } });
    expect(await bridge.pauseAll()).toEqual({ ok: true, value: undefined });
    expect(boot.core.queue.paused).toBe(true);
    expect(await bridge.cancel('nope')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // A page calling a function with a bad argument gets a typed error too.
    expect(await (bridge.getSnapshot as unknown as (x: unknown) => Promise<unknown>)({ evil: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
  });

  it('on() hands the payload only, and the returned function unsubscribes', async () => {
    const bridge = await loadPreload();
    const received: unknown[][] = [];
    const off = bridge.on('paused', (...args: unknown[]) => received.push(args));
    const listeners = fake.rendererListeners.get(ipcChannel('paused'))!;
    expect(listeners.size).toBe(1);
    const ipcEvent = { sender: { send: () => undefined }, ports: [] };
    for (const listener of listeners) listener(ipcEvent, true);
    expect(received).toEqual([[true]]);
    off();
    expect(listeners.size).toBe(0);
    expect(() => bridge.on('nope' as 'paused', () => undefined)).toThrow(/Unknown Intake event/);
  });

  it('pathForFile gives the real path and reports it to main as handed over, or empty (and nothing) for something that is not a dropped file', async () => {
    const bridge = await loadPreload();
    const reported: unknown[] = [];
    fake.ipcMain.on(DROPPED_PATH_CHANNEL, (_event: unknown, path: unknown) => reported.push(path));
    expect(bridge.pathForFile({ path: '/tmp/scan.pdf' } as unknown as File)).toBe('/tmp/scan.pdf');
    expect(bridge.pathForFile({} as File)).toBe('');
    expect(reported).toEqual(['/tmp/scan.pdf']);
  });
});
