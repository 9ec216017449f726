/**
 * The file probe looks at files in a worker thread, a turn's batches in one
 * message; a worker stuck in a call (a share that stopped answering), dead or
 * unable to start never keeps an answer from the caller: the thread pool
 * takes over.
 */
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants, openSync, closeSync } from 'node:fs';
import { readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileProbe, lookInThreadPool, startProbeWorker, type LookRequest, type LookResult, type ProbeWorker } from '../../../src/core/files/fileProbe';
import { READ_NO_FOLLOW } from '../../../src/core/files/fileIdentity';
import { FakeClock } from '../../support/fakeClock';
import { MAGIC, makeTempDir, type TempDir } from '../../support/files';
import { waitFor } from '../queue/waitFor';

const READ = constants.O_RDONLY | constants.O_NONBLOCK;
const SNIFF = 8;

let dir: TempDir;
const probes: FileProbe[] = [];
beforeEach(async () => {
  dir = await makeTempDir('intake-probe-');
});
afterEach(async () => {
  for (const probe of probes.splice(0)) probe.dispose();
  await dir.remove();
});

/** The real worker, its messages both ways counted. */
function countedWorker() {
  const counts = { sent: 0, answered: 0 };
  const startWorker = (): ProbeWorker => {
    const worker = startProbeWorker();
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (message) => {
      counts.sent += 1;
      post(message);
    };
    worker.on('message', () => (counts.answered += 1));
    return worker;
  };
  return { counts, startWorker };
}

/** A worker that takes messages and answers only when the test says so (a real worker answers the held message). */
class HeldWorker extends EventEmitter implements ProbeWorker {
  readonly messages: Parameters<ProbeWorker['postMessage']>[0][] = [];
  private real: ProbeWorker | undefined;
  get sent(): number {
    return this.messages.length;
  }
  postMessage(message: Parameters<ProbeWorker['postMessage']>[0]): void {
    this.messages.push(message);
  }
  /** Answers the message sent `index`-th (from 0); resolves once the answer has been given to the probe. */
  answer(index: number): Promise<void> {
    const real = (this.real ??= startRealWorker());
    return new Promise((resolve) => {
      real.on('message', (reply) => {
        if (reply.id !== this.messages[index]!.id) return;
        this.emit('message', reply);
        resolve();
      });
      real.postMessage(this.messages[index]!);
    });
  }
  unref(): void {}
  terminate(): Promise<number> {
    return Promise.resolve(0);
  }
}

const realWorkers: ProbeWorker[] = [];
function startRealWorker(): ProbeWorker {
  const worker = startProbeWorker();
  realWorkers.push(worker);
  return worker;
}
afterEach(async () => {
  await Promise.all(realWorkers.splice(0).map((worker) => worker.terminate()));
});

/** A look's promise, with whether it has been answered yet. */
function tracked(promise: Promise<LookResult[]>) {
  const state = { done: false, promise };
  void promise.then(() => (state.done = true));
  return state;
}

/** The answer, within 5 s (a thread-pool look of a small file takes milliseconds): a look that never ends fails the test. */
async function answerOf(look: ReturnType<typeof tracked>): Promise<Array<string | undefined>> {
  await waitFor(() => look.done, 'the look answered', 5000);
  return kinds(await look.promise);
}

/** Descriptors this process still holds on files in `folder` once closing has had up to 5 s (Linux: /proc/self/fd names them). */
async function descriptorsLeftIn(folder: string): Promise<number> {
  const deadline = Date.now() + 5000;
  for (;;) {
    let count = 0;
    for (const fd of await readdir('/proc/self/fd')) {
      if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')).startsWith(folder)) count += 1;
    }
    if (count === 0 || Date.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const kinds = (results: LookResult[]) => results.map((r) => ('kind' in r ? r.kind : r.code));
const oneTurn = () => new Promise((resolve) => setImmediate(resolve));

function probeWith(options: { clock?: FakeClock; stallMs?: number; startWorker?: () => ProbeWorker } = {}): FileProbe {
  const probe = new FileProbe({ sniffBytes: SNIFF, ...options });
  probes.push(probe);
  return probe;
}

async function sampleRequests(): Promise<LookRequest[]> {
  const pdf = await dir.file('scan.pdf', MAGIC.pdf);
  const empty = await dir.file('empty.pdf', '');
  const fifo = join(dir.path, 'pipe.pdf');
  execFileSync('mkfifo', [fifo]);
  const link = join(dir.path, 'link.pdf');
  await symlink(pdf, link);
  return [
    { path: pdf, flags: READ },
    { path: empty, flags: READ },
    { path: dir.path, flags: READ },
    { path: fifo, flags: READ },
    { path: join(dir.path, 'gone.pdf'), flags: READ },
    { path: link, flags: READ_NO_FOLLOW | constants.O_NONBLOCK },
    { path: link, flags: READ },
  ];
}

describe('FileProbe', () => {
  it('gives what the thread pool gives, for every kind of path, in order', async () => {
    const requests = await sampleRequests();
    const viaWorker = await probeWith().look(requests);
    const viaPool = await lookInThreadPool(requests, SNIFF);
    const plain = (results: LookResult[]) => results.map((r) => ('head' in r && r.head !== null ? { ...r, head: [...r.head] } : r));
    expect(plain(viaWorker)).toEqual(plain(viaPool));
    expect(viaWorker.map((r) => ('kind' in r ? r.kind : r.code))).toEqual(['file', 'file', 'directory', 'other', 'ENOENT', 'ELOOP', 'file']);
    const [pdf, empty] = viaWorker as Array<{ size: number; head: Uint8Array | null }>;
    expect(Buffer.from(pdf!.head!).toString('latin1')).toBe(MAGIC.pdf.subarray(0, SNIFF).toString('latin1'));
    expect(pdf!.size).toBe(MAGIC.pdf.length);
    expect(empty!.head).toBeNull();
  });

  it('sends the batches asked for in one turn as one message, and gives each caller its own results', async () => {
    const a = await dir.file('a.pdf', MAGIC.pdf);
    const b = await dir.file('b.png', MAGIC.png);
    const worker = countedWorker();
    const probe = probeWith({ startWorker: worker.startWorker });
    const [first, second, third] = await Promise.all([
      probe.look([{ path: a, flags: READ }]),
      probe.look([
        { path: b, flags: READ },
        { path: join(dir.path, 'gone'), flags: READ },
      ]),
      probe.look([{ path: b, flags: READ }]),
    ]);
    expect(worker.counts).toEqual({ sent: 1, answered: 1 });
    expect(first!.map((r) => ('size' in r ? r.size : r.code))).toEqual([MAGIC.pdf.length]);
    expect(second!.map((r) => ('size' in r ? r.size : r.code))).toEqual([MAGIC.png.length, 'ENOENT']);
    expect(third!.map((r) => ('size' in r ? r.size : r.code))).toEqual([MAGIC.png.length]);
    await probe.look([{ path: a, flags: READ }]);
    expect(worker.counts).toEqual({ sent: 2, answered: 2 });
  });

  it('a path holding a NUL never shifts the answers of the paths beside it (the worker gets the paths joined by NUL)', async () => {
    const a = await dir.file('a.pdf', MAGIC.pdf);
    const b = await dir.file('b.png', MAGIC.png);
    const worker = countedWorker();
    const probe = probeWith({ startWorker: worker.startWorker });
    const [hostile, plain] = await Promise.all([
      probe.look([
        { path: a, flags: READ },
        { path: `${b}\0${a}`, flags: READ },
        { path: b, flags: READ },
      ]),
      probe.look([{ path: b, flags: READ }]),
    ]);
    expect(hostile!.map((r) => ('size' in r ? r.size : r.code))).toEqual([MAGIC.pdf.length, 'ERR_INVALID_ARG_VALUE', MAGIC.png.length]);
    expect(plain!.map((r) => ('size' in r ? r.size : r.code))).toEqual([MAGIC.png.length]);
    expect(worker.counts.sent).toBe(1); // the batch with the NUL path went through the thread pool
  });

  it('a worker stuck in a call: what waits behind it is answered through the thread pool, and so is what comes next until it answers again', async () => {
    const pdf = await dir.file('scan.pdf', MAGIC.pdf);
    const fifo = join(dir.path, 'share.pdf');
    execFileSync('mkfifo', [fifo]);
    const clock = new FakeClock();
    const worker = countedWorker();
    const probe = probeWith({ clock, stallMs: 2000, startWorker: worker.startWorker });
    // Opening a FIFO without O_NONBLOCK waits for a writer: the worker's thread is stuck in open(2), as on a dead share.
    const stuck = probe.look([{ path: fifo, flags: constants.O_RDONLY }]);
    await waitFor(() => worker.counts.sent === 1, 'the stuck batch sent');
    const behind = probe.look([{ path: pdf, flags: READ }]);
    await waitFor(() => worker.counts.sent === 2, 'the batch behind it sent');
    clock.advance(1999);
    let answered = false;
    void behind.then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    clock.advance(1);
    expect((await behind).map((r) => ('size' in r ? r.size : r.code))).toEqual([MAGIC.pdf.length]);
    // Stalled: the next look does not queue behind the stuck call.
    expect((await probe.look([{ path: pdf, flags: READ }])).map((r) => ('kind' in r ? r.kind : r.code))).toEqual(['file']);
    expect(worker.counts.sent).toBe(2);

    // The share answers again (a writer opens the FIFO): the stuck look ends, the worker is used again.
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      expect((await stuck).map((r) => ('kind' in r ? r.kind : r.code))).toEqual(['other']);
      await waitFor(() => worker.counts.answered >= 1, 'the worker answers again');
    } finally {
      closeSync(writer);
    }
    await probe.look([{ path: pdf, flags: READ }]);
    expect(worker.counts.sent).toBe(3);
  });

  it.each(['error', 'exit'] as const)('a worker that reports %s with a batch waiting: the batch and every later look are answered through the thread pool, at once', async (event) => {
    const pdf = await dir.file('scan.pdf', MAGIC.pdf);
    // Fake time that never moves: the answer cannot come from the stall timer.
    const clock = new FakeClock();
    const worker = new HeldWorker();
    const probe = probeWith({ clock, startWorker: () => worker });
    const waiting = tracked(probe.look([{ path: pdf, flags: READ }]));
    await waitFor(() => worker.sent === 1, 'the batch sent');
    worker.emit(event);
    expect(await answerOf(waiting)).toEqual(['file']);
    expect(clock.pending).toBe(0); // no stall timer left to hold a CLI run open
    expect(await answerOf(tracked(probe.look([{ path: pdf, flags: READ }])))).toEqual(['file']);
    expect(worker.sent).toBe(1);
    worker.emit('exit'); // after 'error' comes 'exit': nothing changes
    expect(await answerOf(tracked(probe.look([{ path: pdf, flags: READ }])))).toEqual(['file']);
  });

  it('a worker that cannot start: every look is answered through the thread pool, and starting is not tried again', async () => {
    const pdf = await dir.file('scan.pdf', MAGIC.pdf);
    let attempts = 0;
    const unstartable = probeWith({
      startWorker: () => {
        attempts += 1;
        throw new Error('worker threads unavailable');
      },
    });
    expect(kinds(await unstartable.look([{ path: pdf, flags: READ }]))).toEqual(['file']);
    expect(kinds(await unstartable.look([{ path: pdf, flags: READ }]))).toEqual(['file']);
    expect(attempts).toBe(1);
  });

  /** A held worker with stallMs 2 s: one batch sent at t = 0, another at t = 1 s, both unanswered; now t = 1.5 s. */
  async function twoBatchesASecondApart() {
    const pdf = await dir.file('scan.pdf', MAGIC.pdf);
    const clock = new FakeClock();
    const worker = new HeldWorker();
    const probe = probeWith({ clock, stallMs: 2000, startWorker: () => worker });
    const first = tracked(probe.look([{ path: pdf, flags: READ }]));
    await waitFor(() => worker.sent === 1, 'the first batch sent');
    clock.advance(1000);
    const second = tracked(probe.look([{ path: pdf, flags: READ }]));
    await waitFor(() => worker.sent === 2, 'the second batch sent');
    clock.advance(500);
    return { pdf, clock, worker, probe, first, second };
  }

  it('answered batches leave no timer behind; a batch sent later still gets its full 2 s before the thread pool takes it', async () => {
    const { pdf, clock, worker, probe, first, second } = await twoBatchesASecondApart();
    await worker.answer(0);
    clock.advance(100);
    await worker.answer(1);
    expect([await answerOf(first), await answerOf(second)]).toEqual([['file'], ['file']]);
    expect(clock.pending).toBe(0); // nothing waits: no timer holds a CLI run open

    clock.advance(400); // t = 2000
    const third = tracked(probe.look([{ path: pdf, flags: READ }]));
    await waitFor(() => worker.sent === 3, 'the third batch sent');
    clock.advance(1999);
    await oneTurn();
    expect(third.done).toBe(false);
    clock.advance(1); // 2 s after it was sent
    expect(await answerOf(third)).toEqual(['file']);
    expect(clock.pending).toBe(0);
  });

  it('a batch waiting behind one that is answered late is taken by the thread pool 2 s after it was sent', async () => {
    const { clock, worker, first, second: behind } = await twoBatchesASecondApart();
    await worker.answer(0); // 1.5 s late: the one behind it has waited 0.5 s
    expect(await answerOf(first)).toEqual(['file']);
    clock.advance(1499);
    await oneTurn();
    expect(behind.done).toBe(false);
    clock.advance(1); // 2 s after it was sent
    expect(await answerOf(behind)).toEqual(['file']);
    expect(clock.pending).toBe(0);
  });

  it('a look asked for and disposed in the same turn is answered, nothing is sent to the ended worker, and nothing throws', async () => {
    const pdf = await dir.file('scan.pdf', MAGIC.pdf);
    const worker = new HeldWorker();
    const probe = probeWith({ startWorker: () => worker });
    // An exception thrown from the turn's send would end the process (engine host or CLI): caught here to be seen.
    const thrown: unknown[] = [];
    process.setUncaughtExceptionCaptureCallback((error) => thrown.push(error));
    try {
      const waiting = tracked(probe.look([{ path: pdf, flags: READ }]));
      probe.dispose();
      expect(await answerOf(waiting)).toEqual(['file']);
      await oneTurn(); // the turn's send has run (and found no worker)
    } finally {
      process.setUncaughtExceptionCaptureCallback(null);
    }
    expect(thrown).toEqual([]);
    expect(worker.sent).toBe(0);
  });

  it('a read that fails after the open gives its code, from the worker and the thread pool alike', async () => {
    const pdf = await dir.file('scan.pdf', MAGIC.pdf);
    // Opened write-only: open and fstat succeed, the read fails.
    const requests = [{ path: pdf, flags: constants.O_WRONLY }];
    expect(kinds(await probeWith().look(requests))).toEqual(['EBADF']);
    expect(kinds(await lookInThreadPool(requests, SNIFF))).toEqual(['EBADF']);
  });

  it('leaves no descriptor open, whether the look succeeded or failed', async () => {
    const pdfs = await Promise.all([1, 2, 3].map((n) => dir.file(`${n}.pdf`, MAGIC.pdf)));
    const requests = [...pdfs.map((path) => ({ path, flags: READ })), { path: pdfs[0]!, flags: constants.O_WRONLY }, { path: dir.path, flags: READ }];
    for (const look of [(r: LookRequest[]) => lookInThreadPool(r, SNIFF), (r: LookRequest[]) => probeWith().look(r)]) {
      expect(kinds(await look(requests))).toEqual(['file', 'file', 'file', 'EBADF', 'directory']);
      expect(await descriptorsLeftIn(dir.path)).toBe(0);
    }
  });

  it('dispose answers what is still waiting and ends the worker', async () => {
    const pdf = await dir.file('scan.pdf', MAGIC.pdf);
    const silent = new HeldWorker();
    let terminated = 0;
    silent.terminate = () => Promise.resolve((terminated += 1));
    const probe = probeWith({ startWorker: () => silent });
    const waiting = probe.look([{ path: pdf, flags: READ }]);
    await waitFor(() => silent.sent === 1, 'the batch sent');
    probe.dispose();
    expect((await waiting).map((r) => ('kind' in r ? r.kind : r.code))).toEqual(['file']);
    expect(terminated).toBe(1);
  });
});
