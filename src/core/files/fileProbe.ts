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

interface ProbeRequest {
  id: number;
  sniff: number;
  requests: readonly LookRequest[];
}

interface ProbeReply {
  id: number;
  results: LookResult[];
}

/** The worker's program (CommonJS, run with `eval`: nothing to bundle or find on disk). */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
function look(path, flags, sniff) {
  let fd;
  try {
    fd = fs.openSync(path, flags);
  } catch (error) {
    return { code: error && error.code };
  }
  try {
    const info = fs.fstatSync(fd);
    const kind = info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
    let head = null;
    if (kind === 'file' && info.size > 0) {
      const buffer = Buffer.alloc(sniff);
      head = buffer.subarray(0, fs.readSync(fd, buffer, 0, sniff, 0));
    }
    return { kind, size: info.size, dev: info.dev, ino: info.ino, head };
  } catch (error) {
    return { code: error && error.code };
  } finally {
    try { fs.closeSync(fd); } catch {}
  }
}
parentPort.on('message', ({ id, sniff, requests }) => {
  parentPort.postMessage({ id, results: requests.map((request) => look(request.path, request.flags, sniff)) });
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
    if (this.stalled || this.startedWorker() === null) return lookInThreadPool(requests, this.options.sniffBytes);
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
    worker.postMessage({ id, sniff: this.options.sniffBytes, requests: parts.length === 1 ? parts[0]!.requests : parts.flatMap((part) => part.requests) });
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
    let from = 0;
    for (const part of pending.parts) {
      part.resolve(reply.results.slice(from, from + part.requests.length));
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
