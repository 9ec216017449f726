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
  // Document bytes do not cross the DevTools protocol (it takes seconds per megabyte): the harness serves
  // them once as a same-origin script (allowed by script-src 'self'), and the page gets the Uint8Array
  // main would have sent. Small answers come inline as base64.
  const fromBase64 = (text: string): Uint8Array => {
    const native = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array }).fromBase64;
    if (native) return native(text);
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  };
  const loaded = new Map<string, (base64: string) => void>();
  w.__intakeBytesLoaded = (src: string, base64: string) => loaded.get(src)?.(base64);
  // The page's document, typed by hand: this file is compiled without the DOM library.
  type ScriptElement = { src: string; onerror: (() => void) | null; remove(): void };
  const page = (globalThis as unknown as { document: { createElement(tag: 'script'): ScriptElement; head: { append(node: ScriptElement): void } } }).document;
  const loadScript = (src: string) =>
    new Promise<string>((resolve, reject) => {
      const script = page.createElement('script');
      loaded.set(src, (base64) => {
        loaded.delete(src);
        script.remove();
        resolve(base64);
      });
      script.onerror = () => reject(new Error(`The test bridge could not load ${src}`));
      script.src = src;
      page.head.append(script);
    });
  const revive = async (result: unknown): Promise<unknown> => {
    const value = (result as { ok?: boolean; value?: { bytes?: unknown } }).value;
    const packed = value?.bytes as { base64?: string; script?: string } | undefined;
    if (!(result as { ok?: boolean }).ok || (typeof packed?.base64 !== 'string' && typeof packed?.script !== 'string')) return result;
    const base64 = packed.script ? await loadScript(packed.script) : (packed.base64 as string);
    return { ...(result as object), value: { ...value, bytes: fromBase64(base64) } };
  };
  // Answers cross as one JSON string (see below), parsed natively here.
  for (const name of callNames) bridge[name] = async (input?: unknown) => revive(JSON.parse((await w.__intakeCall(name, input)) as string) as unknown);
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

/** Serves base64 text once as a same-origin script that hands it to the page; answers the script's URL. */
export type BytesPublisher = (base64: string) => string;

/** A result carrying document bytes (readDocument), with the bytes as base64 text or a script serving it (see defineBridge). */
function packBytes(result: IpcResult<unknown>, publish?: BytesPublisher): IpcResult<unknown> {
  const value = result.ok ? (result.value as { bytes?: unknown } | undefined) : undefined;
  if (!(value?.bytes instanceof Uint8Array)) return result;
  const base64 = Buffer.from(value.bytes.buffer, value.bytes.byteOffset, value.bytes.byteLength).toString('base64');
  return { ok: true, value: { ...value, bytes: publish && base64.length > 64_000 ? { script: publish(base64) } : { base64 } } };
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

export async function installBridge(
  context: BrowserContext,
  handler: BridgeHandler,
  pages: () => Page[],
  onDropped?: DroppedPathHandler,
  publishBytes?: BytesPublisher,
): Promise<InstalledBridge> {
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
      return JSON.stringify(packBytes(await handler(name as IpcCallName, input, { url: source.frame.url(), mainFrame: source.frame.parentFrame() === null }), publishBytes));
    } catch (error) {
      // Like main: a failing handler answers a typed error, it never rejects the renderer's promise.
      return JSON.stringify({ ok: false, error: { code: 'internal', message: (error as Error).message } });
    }
  });
  // Under tsx (the bench) esbuild keeps function names by wrapping them in a `__name` helper, which the
  // page does not have when defineBridge is serialized into it: give the page a no-op one.
  await context.addInitScript({ content: 'globalThis.__name ??= (target) => target;' });
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
