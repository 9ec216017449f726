/**
 * The first look at a file: open, fstat, read its first bytes, close — off the
 * event loop, in a worker thread.
 *
 * Four fs calls through libuv's thread pool cost the event loop a hand-off
 * each, and a burst of 10,000 enqueues is 40,000 of them. A worker makes the
 * same calls synchronously, a batch of paths per message: the event loop pays
 * one message per batch. A call stuck in the worker (a network share that
 * stopped answering) would hold every later batch: after `stallMs` the
 * batches waiting for it are looked at through the thread pool instead, and
 * so is every new one until the worker answers again. A worker that cannot
 * start, fails or exits: the thread pool from then on.
 */
import { close, fstat, open, read, type Stats } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { systemClock, type Clock } from '../clock';
import { TimerGroup } from '../base/timerGroup';
import type { Disposable } from '../base/lifecycle';

export interface LookRequest {
  path: string;
  /** open(2) flags. */
  flags: number;
}

/** What the opened descriptor is; `head`: its first bytes, for a non-empty regular file only. */
export interface Look {
  kind: 'file' | 'directory' | 'other';
  size: number;
  dev: number;
  ino: number;
  head: Uint8Array | null;
}

/** A look that failed: the errno code of the call that failed (open, fstat or read). */
export interface LookFailure {
  code: string | undefined;
}

export type LookResult = Look | LookFailure;

export const isLookFailure = (result: LookResult): result is LookFailure => !('kind' in result);

/** What FileProbe needs of a worker (node:worker_threads' Worker; a test may give another). */
export interface ProbeWorker {
  postMessage(message: ProbeRequest): void;
  on(event: 'message', listener: (message: ProbeReply) => void): unknown;
  on(event: 'error' | 'exit', listener: () => void): unknown;
  unref(): void;
  terminate(): Promise<number>;
}

/**
 * A batch as the worker gets it: the paths joined by NUL (no path can hold one; look() keeps such a path away
 * from the worker) and one open flag each. One string and one array cost the event loop a copy each, where
 * an array of request objects cost it a serialization per object: 10,000 objects blocked it for 30 ms and more.
 */
interface ProbeRequest {
  id: number;
  sniff: number;
  count: number;
  paths: string;
  flags: Int32Array;
}

/**
 * The answer, in two transferred buffers (no copy): five numbers per path in `meta` (kind, size, dev, ino,
 * length of the head, which is at path index × sniff in `heads`; kind 0 is a failure, whose code is in
 * `failures`), so that decoding costs an object per path and no deserialization.
 */
interface ProbeReply {
  id: number;
  meta: Float64Array;
  heads: Uint8Array;
  failures: Array<[index: number, code: string | undefined]>;
}

const FIELDS = 5;
const KINDS = [undefined, 'file', 'directory', 'other'] as const;

/** The worker's program (CommonJS, run with `eval`: nothing to bundle or find on disk). */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const FIELDS = ${FIELDS};
function look(path, flags, sniff, index, meta, heads, failures) {
  let fd;
  try {
    fd = fs.openSync(path, flags);
  } catch (error) {
    failures.push([index, error && error.code]);
    return;
  }
  try {
    const info = fs.fstatSync(fd);
    const kind = info.isFile() ? 1 : info.isDirectory() ? 2 : 3;
    const headBytes = kind === 1 && info.size > 0 ? fs.readSync(fd, heads, index * sniff, sniff, 0) : -1;
    meta.set([kind, info.size, info.dev, info.ino, headBytes], index * FIELDS);
  } catch (error) {
    failures.push([index, error && error.code]);
  } finally {
    try { fs.closeSync(fd); } catch {}
  }
}
parentPort.on('message', ({ id, sniff, count, paths, flags }) => {
  const list = count === 0 ? [] : paths.split('\\0');
  const meta = new Float64Array(count * FIELDS);
  const heads = new Uint8Array(count * sniff);
  const failures = [];
  for (let i = 0; i < count; i += 1) {
    if (list.length !== count) failures.push([i, 'ERR_INVALID_ARG_VALUE']);
    else look(list[i], flags[i], sniff, i, meta, heads, failures);
  }
  parentPort.postMessage({ id, meta, heads, failures }, [meta.buffer, heads.buffer]);
});
`;

export const DEFAULT_STALL_MS = 2000;

export interface FileProbeOptions {
  /** Bytes read from the start of a regular file. */
  sniffBytes: number;
  clock?: Clock;
  /** A batch unanswered this long: the worker is taken for stuck. */
  stallMs?: number;
  startWorker?: () => ProbeWorker;
}

/** One caller's batch. */
interface Part {
  requests: readonly LookRequest[];
  resolve: (results: LookResult[]) => void;
}

/** The batches of one message to the worker. */
interface Pending {
  sentAt: number;
  parts: Part[];
}

// Taken at load: a test that fakes timers afterwards must not be able to hold looks back for ever.
const nextTurn = globalThis.setImmediate;

export class FileProbe implements Disposable {
  private worker: ProbeWorker | null | undefined;
  private readonly pending = new Map<number, Pending>();
  /** Batches asked for in this turn, sent at its end. */
  private outbox: Part[] = [];
  private nextId = 1;
  /** A batch waited stallMs: new batches bypass the worker until it answers again. */
  private stalled = false;
  private readonly clock: Clock;
  private readonly timers: TimerGroup;
  private readonly stallMs: number;

  constructor(private readonly options: FileProbeOptions) {
    this.clock = options.clock ?? systemClock;
    this.timers = new TimerGroup(this.clock);
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  }

  /**
   * One result per request, in order. Never rejects: a failure is a LookFailure. The batches asked for in one
   * turn of the event loop go to the worker as one message (a message costs the event loop about as much as the
   * four calls it replaces).
   */
  look(requests: readonly LookRequest[]): Promise<LookResult[]> {
    if (this.stalled || requests.some(({ path }) => path.includes('\0')) || this.startedWorker() === null) return lookInThreadPool(requests, this.options.sniffBytes);
    return new Promise((resolve) => {
      this.outbox.push({ requests, resolve });
      if (this.outbox.length === 1) nextTurn(() => this.send());
    });
  }

  dispose(): void {
    this.timers.dispose();
    const worker = this.worker;
    this.worker = null;
    this.reroutePending();
    if (worker) void worker.terminate().catch(() => undefined);
  }

  private send(): void {
    const parts = this.outbox;
    this.outbox = [];
    const worker = this.stalled ? null : this.worker;
    if (!worker) return this.reroute(parts);
    const id = this.nextId++;
    this.pending.set(id, { sentAt: this.clock.monotonic(), parts });
    const requests = parts.length === 1 ? parts[0]!.requests : parts.flatMap((part) => part.requests);
    const flags = Int32Array.from(requests, (request) => request.flags);
    worker.postMessage({ id, sniff: this.options.sniffBytes, count: requests.length, paths: requests.map((request) => request.path).join('\0'), flags });
    this.timers.ensure('stall', this.stallMs, () => this.checkStall());
  }

  private startedWorker(): ProbeWorker | null {
    if (this.worker !== undefined) return this.worker;
    try {
      const worker = (this.options.startWorker ?? startProbeWorker)();
      worker.on('message', (reply) => this.onReply(reply));
      worker.on('error', () => this.onWorkerGone(worker));
      worker.on('exit', () => this.onWorkerGone(worker));
      worker.unref(); // never what keeps a process alive
      this.worker = worker;
    } catch {
      this.worker = null;
    }
    return this.worker;
  }

  private onReply(reply: ProbeReply): void {
    this.stalled = false;
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return; // answered through the thread pool already
    this.pending.delete(reply.id);
    const results = decodeReply(reply);
    let from = 0;
    for (const part of pending.parts) {
      part.resolve(results.slice(from, from + part.requests.length));
      from += part.requests.length;
    }
    this.armStallTimer();
  }

  private onWorkerGone(worker: ProbeWorker): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.timers.clear('stall');
    this.reroutePending();
  }

  private checkStall(): void {
    const oldest = this.pending.values().next().value as Pending | undefined;
    if (oldest === undefined) return;
    if (this.clock.monotonic() - oldest.sentAt < this.stallMs) return this.armStallTimer();
    // The worker answers in order: every batch sent after the oldest waits behind it.
    this.stalled = true;
    this.reroutePending();
  }

  private armStallTimer(): void {
    const oldest = this.pending.values().next().value as Pending | undefined;
    if (oldest === undefined) this.timers.clear('stall');
    else this.timers.set('stall', oldest.sentAt + this.stallMs - this.clock.monotonic(), () => this.checkStall());
  }

  /** Everything sent and not answered, and everything not yet sent: through the thread pool. */
  private reroutePending(): void {
    const waiting = [...this.pending.values()].flatMap((pending) => pending.parts);
    this.pending.clear();
    this.reroute([...waiting, ...this.outbox]);
    this.outbox = [];
  }

  private reroute(parts: readonly Part[]): void {
    for (const { requests, resolve } of parts) void lookInThreadPool(requests, this.options.sniffBytes).then(resolve);
  }
}

function decodeReply({ meta, heads, failures }: ProbeReply): LookResult[] {
  const sniff = heads.length / (meta.length / FIELDS) || 0;
  const results: LookResult[] = [];
  for (let at = 0; at < meta.length; at += FIELDS) {
    const headBytes = meta[at + 4]!;
    const start = (at / FIELDS) * sniff;
    const kind = KINDS[meta[at]!] ?? 'other';
    results.push({ kind, size: meta[at + 1]!, dev: meta[at + 2]!, ino: meta[at + 3]!, head: headBytes < 0 ? null : heads.subarray(start, start + headBytes) });
  }
  for (const [index, code] of failures) results[index] = { code };
  return results;
}

/** The worker thread FileProbe starts by default. */
export function startProbeWorker(): ProbeWorker {
  return new Worker(WORKER_SOURCE, { eval: true }) as unknown as ProbeWorker;
}

/** The same look through libuv's thread pool (callback fs: a FileHandle costs several promises and a GC-tracked object). */
export function lookInThreadPool(requests: readonly LookRequest[], sniffBytes: number): Promise<LookResult[]> {
  return Promise.all(requests.map((request) => lookOnce(request, sniffBytes)));
}

async function lookOnce({ path, flags }: LookRequest, sniffBytes: number): Promise<LookResult> {
  let fd: number;
  try {
    fd = await call<number>((done) => open(path, flags, done));
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code };
  }
  try {
    const info = await call<Stats>((done) => fstat(fd, done));
    const kind = info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
    let head: Uint8Array | null = null;
    if (kind === 'file' && info.size > 0) {
      const buffer = Buffer.alloc(sniffBytes);
      head = buffer.subarray(0, await call<number>((done) => read(fd, buffer, 0, sniffBytes, 0, done)));
    }
    return { kind, size: info.size, dev: info.dev, ino: info.ino, head };
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code };
  } finally {
    close(fd, () => undefined); // read-only: nothing can be lost by a failed close
  }
}

function call<T>(start: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
}
