/**
 * `window.intake` for the renderer running in plain Chromium (no Electron, no
 * preload). The page gets a tiny init script that builds the same object the
 * preload exposes; every call crosses into this Node process through one
 * Playwright binding (`__intakeCall`) and is answered by `handler`, and events
 * are pushed into the page with `emit`. The renderer cannot tell the difference.
 *
 * `pathForFile`: a Chromium drop or paste carries File objects without a path
 * (only Electron's webUtils knows it). The test tells the page which real file
 * stands behind each name with `setDropPaths({ 'scan.pdf': '/tmp/…/scan.pdf' })`;
 * a name it does not know answers '' — exactly what the preload answers for a
 * File that has no file on disk.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { IPC_CALL_NAMES, type IpcCallName, type IpcEventName, type IpcEvents, type IpcResult } from '../../src/shared/ipc';

/** Which frame made a call: main checks the same (our window's main frame, showing our UI). */
export interface BridgeSender {
  url: string;
  mainFrame: boolean;
}

export type BridgeHandler = (name: IpcCallName, input: unknown, sender: BridgeSender) => Promise<IpcResult<unknown>>;

/** Runs in the page before any of its scripts. Keep it self-contained: it is serialized. */
function defineBridge(callNames: string[]): void {
  type Listener = (payload: unknown) => void;
  const listeners = new Map<string, Set<Listener>>();
  const w = globalThis as unknown as Record<string, unknown> & {
    __intakeCall: (name: string, input: unknown) => Promise<unknown>;
  };
  const bridge: Record<string, unknown> = {};
  // Answers cross as one JSON string (see below), parsed natively here.
  for (const name of callNames) bridge[name] = async (input?: unknown) => JSON.parse((await w.__intakeCall(name, input)) as string) as unknown;
  // Like the preload: a dropped File's path is reported to main before the page can ask to read it.
  bridge.pathForFile = (file: { name: string }) => {
    const path = ((w.__intakeDropPaths as Record<string, string> | undefined) ?? {})[file.name] ?? '';
    if (path && typeof w.__intakeDropped === 'function') void (w.__intakeDropped as (path: string) => Promise<void>)(path);
    return path;
  };
  bridge.on = (event: string, listener: Listener) => {
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  };
  w.__intakeEmit = (event: string, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  Object.defineProperty(globalThis, 'intake', { value: Object.freeze(bridge), writable: false });
}

export interface InstalledBridge {
  /** Pushes one main → renderer event into the page (like webContents.send). */
  emit<E extends IpcEventName>(event: E, payload: IpcEvents[E]): Promise<void>;
  setDropPaths(paths: Record<string, string>): Promise<void>;
  /** Every call the page made, in order (name only: payloads may hold paths). */
  readonly calls: IpcCallName[];
}

/** What main does with the preload's dropped-file report (DROPPED_PATH_CHANNEL). */
export type DroppedPathHandler = (path: string, sender: BridgeSender) => void;

export async function installBridge(context: BrowserContext, handler: BridgeHandler, pages: () => Page[], onDropped?: DroppedPathHandler): Promise<InstalledBridge> {
  const calls: IpcCallName[] = [];
  if (onDropped) {
    await context.exposeBinding('__intakeDropped', (source, path: unknown) => {
      if (typeof path === 'string') onDropped(path, { url: source.frame.url(), mainFrame: source.frame.parentFrame() === null });
    });
  }
  await context.exposeBinding('__intakeCall', async (source, name: string, input: unknown) => {
    if (!(IPC_CALL_NAMES as string[]).includes(name)) {
      return JSON.stringify({ ok: false, error: { code: 'invalid_request', message: `Unknown call ${name}` } });
    }
    calls.push(name as IpcCallName);
    // As one JSON string: Playwright serializes an object value by value in JavaScript, which for a
    // snapshot of 10,000 jobs takes seconds where Electron's structured clone takes milliseconds.
    try {
      return JSON.stringify(await handler(name as IpcCallName, input, { url: source.frame.url(), mainFrame: source.frame.parentFrame() === null }));
    } catch (error) {
      // Like main: a failing handler answers a typed error, it never rejects the renderer's promise.
      return JSON.stringify({ ok: false, error: { code: 'internal', message: (error as Error).message } });
    }
  });
  await context.addInitScript(defineBridge, IPC_CALL_NAMES as string[]);
  const evaluateAll = async (fn: (arg: [string, unknown]) => void, arg: [string, unknown]) => {
    await Promise.all(
      pages().map((page) =>
        page.evaluate(fn, arg).catch((error: Error) => {
          // A page that is navigating or closing misses this event; it reloads the snapshot anyway.
          if (!/closed|navigat|destroyed/i.test(error.message)) throw error;
        }),
      ),
    );
  };
  return {
    calls,
    emit: (event, payload) =>
      evaluateAll(([e, p]) => (globalThis as unknown as { __intakeEmit: (e: string, p: unknown) => void }).__intakeEmit(e, p), [event, payload]),
    setDropPaths: (paths) =>
      evaluateAll(([, p]) => void ((globalThis as unknown as { __intakeDropPaths: unknown }).__intakeDropPaths = p), ['', paths]),
  };
}
