/**
 * Main's end of a Node child process's IPC channel (the tests' and bench's
 * stand-in for Electron's utilityProcess): calls and events both ways, the
 * channel's end reported once with why, and nothing thrown for a message or a
 * close after the child is gone. The child is a few lines of plain Node that
 * echo each call and then send an event.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { processEndpoint } from '../../../src/core/host/nodeEndpoints';
import { HostGoneError, RpcPeer } from '../../../src/core/host/rpcPeer';
import { makeTempDir, type TempDir } from '../../support/files';

const ECHO_CHILD = `
// A message still on its way when the parent disconnects is dropped, as by a real host.
const send = (message) => process.connected && process.send(message, () => undefined);
process.on('message', (message) => {
  if (message.kind !== 'call') return;
  if (message.method === 'leave') return process.disconnect();
  if (message.method === 'never') return;
  send({ kind: 'reply', id: message.id, ok: true, value: message.args[0] });
  send({ kind: 'event', name: 'echoed', payload: message.args[0] });
});
`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function echoChild(): Promise<ChildProcess> {
  const dir: TempDir = await makeTempDir('intake-endpoint-');
  cleanups.push(() => dir.remove());
  const child = fork(await dir.file('echo.cjs', ECHO_CHILD), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  cleanups.push(() => void (child.exitCode === null && child.kill()));
  return child;
}

describe("a child process's IPC channel as a message endpoint", () => {
  it('carries calls and events both ways, structured-cloned', async () => {
    const peer = new RpcPeer(processEndpoint(await echoChild()));
    cleanups.push(() => peer.dispose());
    const echoed = new Promise((resolve) => peer.on('echoed', resolve));
    const value = { at: new Date(0), sizes: new Map([['a.pdf', 1]]) };
    expect(await peer.call('echo', value)).toEqual(value);
    expect(await echoed).toEqual(value);
  });

  it('the child leaving ends the channel: waiting calls fail with HostGoneError, told once with why; posting or closing after it throws nothing', async () => {
    const child = await echoChild();
    const endpoint = processEndpoint(child);
    const peer = new RpcPeer(endpoint);
    const reasons: string[] = [];
    peer.onClose((reason) => reasons.push(reason));
    const waiting = peer.call('never');
    void peer.call('leave').catch(() => undefined);
    await expect(waiting).rejects.toBeInstanceOf(HostGoneError);
    expect(reasons).toEqual(['the channel was disconnected']);
    expect(() => endpoint.post({ kind: 'event', name: 'late', payload: 1 })).not.toThrow();
    expect(() => peer.dispose()).not.toThrow();
    await once(child, 'exit');
  });

  it('closing this end disconnects the child, which then ends; nothing of the peer stays subscribed to it', async () => {
    const child = await echoChild();
    const listeners = () => child.listenerCount('message') + child.listenerCount('disconnect');
    const before = listeners();
    const peer = new RpcPeer(processEndpoint(child));
    expect(listeners()).toBe(before + 2);
    expect(await peer.call('echo', 1)).toBe(1);
    const exited = once(child, 'exit');
    peer.dispose();
    expect(child.connected).toBe(false);
    expect(listeners()).toBe(before);
    await exited;
  });
});
