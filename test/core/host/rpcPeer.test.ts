/**
 * The channel between main and the core's process, over a worker_threads
 * MessageChannel (what Electron's MessagePort stands in for): calls and
 * replies, errors with their fields, events, and a channel that ends.
 */
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { workerPortEndpoint } from '../../../src/core/host/nodeEndpoints';
import { toDisposable } from '../../../src/core/base/lifecycle';
import { HostGoneError, RpcPeer, type PeerMessage } from '../../../src/core/host/rpcPeer';
import { QueueInputError } from '../../../src/core/queue/types';

const peers: RpcPeer[] = [];
afterEach(() => peers.splice(0).forEach((peer) => peer.dispose()));

function pair(options: ConstructorParameters<typeof RpcPeer>[1] = {}) {
  const { port1, port2 } = new MessageChannel();
  const a = new RpcPeer(workerPortEndpoint(port1), options);
  const b = new RpcPeer(workerPortEndpoint(port2), options);
  peers.push(a, b);
  return { a, b };
}

describe('RpcPeer', () => {
  it('answers calls in either direction, each with its own reply, whatever order they finish in', async () => {
    const { a, b } = pair();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    b.handle('slow', async (x: number) => {
      await slow;
      return x * 2;
    });
    b.handle('fast', (x: number) => x + 1);
    a.handle('ask', () => 'from a');
    const first = a.call<number>('slow', 10);
    expect(await a.call('fast', 1)).toBe(2);
    expect(await b.call('ask')).toBe('from a');
    release();
    expect(await first).toBe(20);
  });

  it('a handler error crosses with its name, code and fields; a missing handler is named', async () => {
    const { a, b } = pair();
    b.handle('refuse', () => {
      throw new QueueInputError('invalid_files', 'These files cannot be sent.', [{ path: '/x.exe', reason: 'type' }] as never);
    });
    const error = await a.call('refuse').catch((e: unknown) => e as Error & { code?: string; rejected?: unknown });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'QueueInputError', message: 'These files cannot be sent.', code: 'invalid_files', rejected: [{ path: '/x.exe', reason: 'type' }] });
    await expect(a.call('nothing')).rejects.toThrow("no handler for 'nothing'");
  });

  it('a revive hook turns known errors back into their class', async () => {
    const { a, b } = pair({ revive: (wire) => new QueueInputError(wire.code as never, wire.message) });
    b.handle('refuse', () => {
      throw new QueueInputError('no_files', 'No files.');
    });
    await expect(a.call('refuse')).rejects.toBeInstanceOf(QueueInputError);
  });

  it('events reach every listener of that name, in order', async () => {
    const { a, b } = pair();
    const seen: unknown[] = [];
    const done = new Promise<void>((resolve) => b.on<number>('tick', (n) => (seen.push(n), n === 3 && resolve())));
    b.on('other', () => seen.push('wrong'));
    for (const n of [1, 2, 3]) a.emit('tick', n);
    await done;
    expect(seen).toEqual([1, 2, 3]);
  });

  it('when the other end closes, waiting calls reject with HostGoneError and later calls at once; onClose is told', async () => {
    const { a, b } = pair();
    b.handle('never', () => new Promise(() => undefined));
    const waiting = a.call('never');
    const closed = new Promise<string>((resolve) => a.onClose(resolve));
    // Let the call reach b before the channel ends.
    await new Promise((resolve) => setImmediate(resolve));
    b.dispose();
    await expect(waiting).rejects.toBeInstanceOf(HostGoneError);
    expect(await closed).toMatch(/closed/);
    expect(a.isClosed).toBe(true);
    await expect(a.call('never')).rejects.toBeInstanceOf(HostGoneError);
  });

  it('a value that cannot cross (a function) fails that call, not the channel', async () => {
    const { a, b } = pair();
    b.handle('echo', (x: unknown) => x);
    await expect(a.call('echo', () => 1)).rejects.toThrow(/could not be cloned/);
    expect(await a.call('echo', { ok: [1, 2] })).toEqual({ ok: [1, 2] });
  });

  it('a thrown value that is not an Error crosses as one; a dropped handler answers no more', async () => {
    const { a, b } = pair();
    b.handle('odd', () => {
      throw 'plain text';
    });
    const error = await a.call('odd').catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ name: 'Error', message: 'plain text' });
    const handler = b.handle('once', () => 1);
    expect(await a.call('once')).toBe(1);
    handler.dispose();
    await expect(a.call('once')).rejects.toThrow("no handler for 'once'");
  });

  it('a call nobody waits for (tell) reports its failure to onError', async () => {
    const errors: unknown[] = [];
    const { a } = pair({ onError: (error) => errors.push(error) });
    a.tell('missing', 1);
    await new Promise<void>((resolve) => {
      const check = () => (errors.length > 0 ? resolve() : setImmediate(check));
      check();
    });
    expect((errors[0] as Error).message).toBe("no handler for 'missing'");
  });

  it('an event emitted after the channel ended is dropped, not thrown', async () => {
    const { a, b } = pair();
    b.dispose();
    await new Promise((resolve) => a.onClose(resolve));
    expect(() => a.emit('late', 1)).not.toThrow();
  });

  it('one handler per method', () => {
    const { a } = pair();
    a.handle('m', () => 1);
    expect(() => a.handle('m', () => 2)).toThrow("'m' already has a handler");
  });

  it('an event whose payload cannot cross throws where it was emitted; the channel goes on', async () => {
    const { a, b } = pair();
    const seen = new Promise<unknown>((resolve) => b.on('tick', resolve));
    expect(() => a.emit('tick', { callback: () => 1 })).toThrow();
    a.emit('tick', 2);
    expect(await seen).toBe(2);
  });

  it('a listener that throws is reported to onError; the other listeners of that event still hear it', async () => {
    const errors: unknown[] = [];
    const { a, b } = pair({ onError: (error) => errors.push(error) });
    b.on('tick', () => {
      throw new Error('listener broke');
    });
    const heard = new Promise<unknown>((resolve) => b.on('tick', resolve));
    a.emit('tick', 1);
    expect(await heard).toBe(1);
    expect(errors).toEqual([new Error('listener broke')]);
  });

  it('a reply to no call (an id never asked, or answered already) is ignored', async () => {
    const { port1, port2 } = new MessageChannel();
    const a = new RpcPeer(workerPortEndpoint(port1));
    peers.push(a);
    // The other end answers every call twice, and once more for a call never made.
    port2.on('message', (message: { kind: string; id: number }) => {
      if (message.kind !== 'call') return;
      port2.postMessage({ kind: 'reply', id: message.id, ok: true, value: 'first' });
      port2.postMessage({ kind: 'reply', id: message.id, ok: true, value: 'second' });
      port2.postMessage({ kind: 'reply', id: 999, ok: true, value: 'stray' });
    });
    expect(await a.call('m')).toBe('first');
    expect(await a.call('m')).toBe('first');
    port2.close();
  });

  it('this side ending rejects its own waiting calls with HostGoneError, which says why; onClose is told once', async () => {
    const { a, b } = pair();
    b.handle('never', () => new Promise(() => undefined));
    const reasons: string[] = [];
    a.onClose((reason) => reasons.push(reason));
    const waiting = a.call('never');
    a.dispose();
    const error = await waiting.catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(HostGoneError);
    expect(error).toMatchObject({ name: 'HostGoneError', message: 'The core process is not running (closed by this side).' });
    a.dispose();
    expect(reasons).toEqual(['closed by this side']);
    expect(a.isClosed).toBe(true);
  });

  it('a code crosses only as text; an error without one has none after crossing', async () => {
    const { a, b } = pair();
    b.handle('numbered', () => {
      throw Object.assign(new Error('numbered'), { code: 42 });
    });
    b.handle('plain', () => {
      throw new Error('plain');
    });
    const numbered = await a.call<never>('numbered').catch((e: unknown) => e as Error);
    expect('code' in numbered).toBe(false);
    const plain = await a.call<never>('plain').catch((e: unknown) => e as Error);
    expect('code' in plain).toBe(false);
    expect(plain).toMatchObject({ name: 'Error', message: 'plain' });
  });

  it('without onError, a failed tell and a throwing listener are dropped quietly; an event nobody listens to too', async () => {
    // An endpoint the test delivers to by hand: whatever the peer throws while receiving reaches the test.
    let deliver!: (message: PeerMessage) => void;
    const sent: PeerMessage[] = [];
    const peer = new RpcPeer({ post: (m) => void sent.push(m), onMessage: (l) => ((deliver = l), toDisposable(() => undefined)), onClose: () => toDisposable(() => undefined), close: () => undefined });
    peers.push(peer);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const heard: unknown[] = [];
      peer.on('tick', (n) => heard.push(n));
      peer.on('tick', () => {
        throw new Error('listener broke');
      });
      expect(() => deliver({ kind: 'event', name: 'tick', payload: 1 })).not.toThrow();
      expect(() => deliver({ kind: 'event', name: 'nobody-listens', payload: 2 })).not.toThrow();
      expect(heard).toEqual([1]);
      peer.tell('missing');
      const call = sent.find((m) => m.kind === 'call')!;
      deliver({ kind: 'reply', id: (call as { id: number }).id, ok: false, error: { name: 'Error', message: "no handler for 'missing'" } });
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('is open until the channel ends', async () => {
    const { a, b } = pair();
    expect(a.isClosed).toBe(false);
    b.dispose();
    await new Promise((resolve) => a.onClose(resolve));
    expect(a.isClosed).toBe(true);
  });
});
