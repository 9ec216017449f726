/**
 * The pump against a sink that plays the socket: it keeps every chunk until
 * the test flushes it, and checks at flush time that the bytes are still the
 * ones written (libuv reads a chunk after write() returns, so a buffer reused
 * too early would send the wrong bytes).
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileBodyPump, type BodySink, type FileBodyResult } from '../../../src/core/upload/fileBodyPump';
import { makeTempDir, type TempDir } from '../../support/files';
import { openDescriptorCount } from '../../support/openDescriptors';
import { waitFor } from '../queue/waitFor';

const MIB = 1024 * 1024;
const POOL_BUFFERS = 4;

class HoldingSink implements BodySink {
  readonly pending: Array<{ chunk: Buffer; copy: Buffer; done: (error?: Error | null) => void }> = [];
  readonly received: Buffer[] = [];
  readonly backingStores = new Set<ArrayBufferLike>();
  maxInFlight = 0;
  overwritten = 0;
  private closeListeners: Array<() => void> = [];

  write(chunk: Buffer, done: (error?: Error | null) => void): boolean {
    this.pending.push({ chunk, copy: Buffer.from(chunk), done });
    this.backingStores.add(chunk.buffer);
    this.maxInFlight = Math.max(this.maxInFlight, this.pending.length);
    return false;
  }

  once(event: string, listener: () => void): unknown {
    // Like a request, only 'close' is ever emitted here; a listener for any other event never runs.
    if (event === 'close') this.closeListeners.push(listener);
    return this;
  }

  /** The socket takes the oldest chunk. */
  flushOne(): void {
    const entry = this.pending.shift()!;
    if (!entry.chunk.equals(entry.copy)) this.overwritten += 1;
    this.received.push(entry.copy);
    entry.done();
  }

  close(): void {
    this.closeListeners.splice(0).forEach((listener) => listener());
  }
}

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await dir.remove();
});

function pumpInto(sink: HoldingSink, largest: number, active = () => true) {
  let handedOff = 0;
  let flushed = 0;
  const pump = new FileBodyPump(sink, largest, { active, onHandedOff: (bytes) => (handedOff += bytes), onFlushed: () => (flushed += 1) });
  return { pump, handedOff: () => handedOff, flushed: () => flushed };
}

describe('FileBodyPump', () => {
  it('sends exactly the file, with at most 4 chunks in flight, reusing a buffer only after the sink is done with it', async () => {
    const content = randomBytes(10 * MIB + 12_345);
    const path = await dir.file('random.pdf', content);
    const sink = new HoldingSink();
    const { pump, handedOff, flushed } = pumpInto(sink, content.length);
    let result: FileBodyResult | null = null;
    const sending = pump.send(path, content.length).then((r) => (result = r));
    while (result === null || sink.pending.length > 0) {
      await waitFor(() => sink.pending.length === POOL_BUFFERS || result !== null, 'a full pool or the end');
      if (sink.pending.length > 0) sink.flushOne();
    }
    await sending;
    expect(result).toEqual({ kind: 'sent' });
    expect(Buffer.concat(sink.received).equals(content)).toBe(true);
    expect(sink.overwritten).toBe(0);
    expect(sink.maxInFlight).toBe(POOL_BUFFERS);
    expect(sink.backingStores.size).toBe(POOL_BUFFERS);
    expect(handedOff()).toBe(content.length);
    expect(flushed()).toBe(sink.received.length);
    expect(await openDescriptorCount(path)).toBe(0);
  });

  it('sends only the size it was given of a file that has grown since, however the size falls on the chunks', async () => {
    const content = randomBytes(3 * MIB + 100);
    const path = await dir.file('grown.pdf', content);
    const size = 2 * MIB + 500;
    const sink = new HoldingSink();
    const { pump } = pumpInto(sink, content.length);
    let result: FileBodyResult | null = null;
    const sending = pump.send(path, size).then((r) => (result = r));
    while (result === null || sink.pending.length > 0) {
      await waitFor(() => sink.pending.length > 0 || result !== null, 'a chunk or the end');
      if (sink.pending.length > 0) sink.flushOne();
    }
    await sending;
    expect(result).toEqual({ kind: 'sent' });
    expect(Buffer.concat(sink.received).equals(content.subarray(0, size))).toBe(true);
  });

  it('sizes its buffers to the largest file, so a small upload does not take 4 MiB', async () => {
    const content = randomBytes(1000);
    const path = await dir.file('small.pdf', content);
    const sink = new HoldingSink();
    const { pump } = pumpInto(sink, content.length);
    expect(await pump.send(path, content.length)).toEqual({ kind: 'sent' });
    expect(sink.pending.map((p) => p.chunk.buffer.byteLength)).toEqual([1000]);
  });

  it('stops waiting for buffers and closes the file when the request closes with chunks still held', async () => {
    const path = await dir.sparse('large.pdf', 64 * MIB);
    const sink = new HoldingSink();
    const { pump } = pumpInto(sink, 64 * MIB);
    const sending = pump.send(path, 64 * MIB);
    await waitFor(() => sink.pending.length === POOL_BUFFERS, 'a full pool');
    // A request destroyed before its socket connected never calls back for what it held.
    sink.close();
    expect(await sending).toEqual({ kind: 'stopped' });
    expect(sink.pending.length).toBe(POOL_BUFFERS);
    expect(await openDescriptorCount(path)).toBe(0);
  });

  it('stops handing over chunks once the attempt is no longer active', async () => {
    const path = await dir.sparse('large.pdf', 64 * MIB);
    const sink = new HoldingSink();
    let active = true;
    const { pump } = pumpInto(sink, 64 * MIB, () => active);
    const sending = pump.send(path, 64 * MIB);
    await waitFor(() => sink.pending.length === POOL_BUFFERS, 'a full pool');
    active = false;
    sink.flushOne();
    expect(await sending).toEqual({ kind: 'stopped' });
    expect(sink.pending.length).toBe(POOL_BUFFERS - 1);
    expect(await openDescriptorCount(path)).toBe(0);
  });

  it('tells a missing file from an unreadable one and from one that is shorter than its checked size', async () => {
    const sink = new HoldingSink();
    const { pump } = pumpInto(sink, MIB);
    expect(await pump.send(join(dir.path, 'nope.pdf'), 10)).toEqual({ kind: 'missing' });
    const folder = join(dir.path, 'folder.pdf');
    await mkdir(folder);
    expect(await pump.send(folder, 10)).toEqual({ kind: 'unreadable' });
    const short = await dir.file('short.pdf', randomBytes(100));
    expect(await pump.send(short, 200)).toEqual({ kind: 'shorter' });
    expect(Buffer.concat(sink.pending.map((p) => p.copy)).length).toBe(100);
  });
});
