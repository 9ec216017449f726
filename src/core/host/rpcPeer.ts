/**
 * Calls and events between two processes over one message channel: main and
 * the core's own process (Electron's utilityProcess; a Node child process or a
 * worker MessageChannel in tests). Either side can call the other and emit
 * events to it. Messages are structured-cloned by the channel: plain data only.
 *
 * A call waits for its reply; when the channel ends (the other process exited)
 * every waiting call rejects with HostGoneError, and later calls reject at
 * once. An error thrown by a handler crosses as its name, message and `code`;
 * the caller's `revive` turns the names it knows back into their classes.
 */
import { DisposableStore, toDisposable, type Disposable } from '../base/lifecycle';
import { ListenerSet } from '../base/listenerSet';

/** What crosses the channel. */
export type PeerMessage =
  | { kind: 'call'; id: number; method: string; args: unknown[] }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: WireError }
  | { kind: 'event'; name: string; payload: unknown };

export interface WireError {
  name: string;
  message: string;
  code?: string;
  /** The error's other own fields (plain data, e.g. a queue error's refused files). */
  extra?: Record<string, unknown>;
}

/** One end of a message channel: Electron's MessagePortMain/parentPort, a child process, a worker port. */
export interface MessageEndpoint {
  post(message: PeerMessage): void;
  /** Each message from the other end. */
  onMessage(listener: (message: PeerMessage) => void): Disposable;
  /** The other end is gone (exited, closed); told once. */
  onClose(listener: (reason: string) => void): Disposable;
  close(): void;
}

export class HostGoneError extends Error {
  constructor(reason: string) {
    super(`The core process is not running (${reason}).`);
    this.name = 'HostGoneError';
  }
}

type Handler = (...args: never[]) => unknown;

export interface RpcPeerOptions {
  /** A handler's error as the caller sees it; default a plain Error carrying name and code. */
  revive?: (error: WireError) => Error;
  /** A listener or handler threw where nobody awaits it. */
  onError?: (error: unknown) => void;
}

export class RpcPeer implements Disposable {
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly handlers = new Map<string, Handler>();
  private readonly events = new Map<string, ListenerSet<unknown>>();
  private readonly store = new DisposableStore();
  private readonly closed = new ListenerSet<string>(() => undefined);
  private nextId = 1;
  private gone: string | null = null;

  constructor(
    private readonly endpoint: MessageEndpoint,
    private readonly options: RpcPeerOptions = {},
  ) {
    this.store.add(endpoint.onMessage((message) => this.receive(message)));
    this.store.add(endpoint.onClose((reason) => this.end(reason)));
  }

  /** Calls `method` on the other side; resolves with its answer. */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    if (this.gone !== null) return Promise.reject(new HostGoneError(this.gone));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.send({ kind: 'call', id, method, args });
    });
  }

  /** A call nobody waits for (its failure is reported to onError). */
  tell(method: string, ...args: unknown[]): void {
    this.call(method, ...args).catch((error: unknown) => this.options.onError?.(error));
  }

  /** Answers `method`; one handler per method. */
  handle<A extends unknown[], R>(method: string, handler: (...args: A) => R | Promise<R>): Disposable {
    if (this.handlers.has(method)) throw new Error(`'${method}' already has a handler`);
    this.handlers.set(method, handler as unknown as Handler);
    return toDisposable(() => this.handlers.delete(method));
  }

  emit(name: string, payload: unknown): void {
    if (this.gone === null) this.send({ kind: 'event', name, payload });
  }

  on<T>(name: string, listener: (payload: T) => void): Disposable {
    let set = this.events.get(name);
    if (!set) {
      set = new ListenerSet<unknown>((error) => this.options.onError?.(error));
      this.events.set(name, set);
    }
    return set.add(listener as (payload: unknown) => void);
  }

  /** The channel ended (the other process is gone), with why. */
  onClose(listener: (reason: string) => void): Disposable {
    return this.closed.add(listener);
  }

  get isClosed(): boolean {
    return this.gone !== null;
  }

  dispose(): void {
    this.end('closed by this side');
    this.endpoint.close();
  }

  private send(message: PeerMessage): void {
    try {
      this.endpoint.post(message);
    } catch (error) {
      // Not cloneable (a bug here, not the user's): the caller hears it.
      if (message.kind === 'call') this.settle(message.id, { ok: false, error: wireError(error) });
      else throw error;
    }
  }

  private receive(message: PeerMessage): void {
    if (message.kind === 'reply') this.settle(message.id, message);
    else if (message.kind === 'event') this.events.get(message.name)?.emit(message.payload);
    else void this.answer(message);
  }

  private async answer(message: Extract<PeerMessage, { kind: 'call' }>): Promise<void> {
    const handler = this.handlers.get(message.method);
    let reply: PeerMessage;
    try {
      if (!handler) throw new Error(`no handler for '${message.method}'`);
      reply = { kind: 'reply', id: message.id, ok: true, value: await handler(...(message.args as never[])) };
    } catch (error) {
      reply = { kind: 'reply', id: message.id, ok: false, error: wireError(error) };
    }
    if (this.gone === null) this.send(reply);
  }

  private settle(id: number, reply: { ok: true; value: unknown } | { ok: false; error: WireError }): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(this.options.revive?.(reply.error) ?? revivePlain(reply.error));
  }

  private end(reason: string): void {
    if (this.gone !== null) return;
    this.gone = reason;
    this.store.dispose();
    for (const waiting of this.pending.values()) waiting.reject(new HostGoneError(reason));
    this.pending.clear();
    this.closed.emit(reason);
  }
}

export function wireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, name: _name, ...extra } = { ...error } as Record<string, unknown>;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' && { code }),
    ...(Object.keys(extra).length > 0 && { extra }),
  };
}

/** A handler's error as a plain Error with its name, code and other fields. */
export function revivePlain(wire: WireError): Error {
  const error = new Error(wire.message);
  error.name = wire.name;
  Object.assign(error, wire.extra, wire.code !== undefined && { code: wire.code });
  return error;
}
