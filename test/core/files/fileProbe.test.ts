/**
 * The file probe looks at files in a worker thread, a turn's batches in one
 * message; a worker stuck in a call (a share that stopped answering), dead or
 * unable to start never keeps an answer from the caller: the thread pool
 * takes over.
 */
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants, openSync, closeSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
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

/** A worker that takes messages and never answers (until the test says it ended). */
class SilentWorker extends EventEmitter implements ProbeWorker {
  sent = 0;
  postMessage(): void {
    this.sent += 1;
  }
  unref(): void {}
  terminate(): Promise<number> {
    return Promise.resolve(0);
  }
}

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

  it('a worker that dies with batches waiting, or cannot start, still answers every look', async () => {
    const pdf = await dir.file('scan.pdf', MAGIC.pdf);
    const silent = new SilentWorker();
    const probe = probeWith({ startWorker: () => silent });
    const waiting = probe.look([{ path: pdf, flags: READ }]);
    await waitFor(() => silent.sent === 1, 'the batch sent');
    silent.emit('exit');
    expect((await waiting).map((r) => ('kind' in r ? r.kind : r.code))).toEqual(['file']);
    expect((await probe.look([{ path: pdf, flags: READ }])).map((r) => ('kind' in r ? r.kind : r.code))).toEqual(['file']);
    expect(silent.sent).toBe(1);

    const unstartable = probeWith({
      startWorker: () => {
        throw new Error('worker threads unavailable');
      },
    });
    expect((await unstartable.look([{ path: pdf, flags: READ }])).map((r) => ('kind' in r ? r.kind : r.code))).toEqual(['file']);
  });

  it('dispose answers what is still waiting and ends the worker', async () => {
    const pdf = await dir.file('scan.pdf', MAGIC.pdf);
    const silent = new SilentWorker();
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
