/**
 * An `IntakeBridge` for component tests: every call is a vi.fn answering
 * `{ ok: true, value }` from `answers` (or what a test sets), and `emit`
 * plays main pushing an event.
 */
import { vi } from 'vitest';
import type { IntakeBridge, IpcCallName, IpcEventName, IpcEvents, IpcResult, QueueSnapshot, SettingsView } from '../../src/shared/ipc';
import { IPC_CALL_NAMES } from '../../src/shared/ipc';
import type { QueueJob } from '../../src/shared/queueJob';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';

export const SETTINGS_VIEW: SettingsView = { ...DEFAULT_SETTINGS, hasToken: false, tokenEncryptionAvailable: true, tokenNotice: null, locked: [] };

export function snapshotOf(jobs: QueueJob[] = [], patch: Partial<QueueSnapshot> = {}): QueueSnapshot {
  return { jobs, connection: { state: 'connected', reason: 'test' }, paused: false, demoServer: false, ...patch };
}

export type FakeBridge = IntakeBridge & {
  emit<E extends IpcEventName>(event: E, payload: IpcEvents[E]): void;
  answer(name: IpcCallName, result: IpcResult<unknown> | ((input: unknown) => IpcResult<unknown> | Promise<IpcResult<unknown>>)): void;
  listenerCount(event: IpcEventName): number;
};

export function fakeBridge(snapshot: QueueSnapshot = snapshotOf()): FakeBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const answers = new Map<string, (input: unknown) => IpcResult<unknown> | Promise<IpcResult<unknown>>>();
  answers.set('getSnapshot', () => ({ ok: true, value: snapshot }));
  answers.set('getSettings', () => ({ ok: true, value: SETTINGS_VIEW }));
  const bridge: Record<string, unknown> = {};
  for (const name of IPC_CALL_NAMES) {
    bridge[name] = vi.fn(async (input?: unknown) => (answers.get(name) ?? (() => ({ ok: true, value: undefined })))(input));
  }
  bridge.pathForFile = vi.fn((file: File) => `/drop/${file.name}`);
  bridge.on = (event: string, listener: (payload: unknown) => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  };
  bridge.emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((listener) => listener(payload));
  bridge.answer = (name: string, result: IpcResult<unknown> | ((input: unknown) => IpcResult<unknown>)) =>
    answers.set(name, typeof result === 'function' ? result : () => result);
  bridge.listenerCount = (event: string) => listeners.get(event)?.size ?? 0;
  return bridge as unknown as FakeBridge;
}

/** happy-dom lays nothing out: give the list's scroll box a height so the virtualizer shows rows (undone by vi.restoreAllMocks). */
export function giveListHeight(px = 700): void {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('list-scroll') ? px : 0;
  });
}
