/**
 * How one socket generation fails, as the engine (and through it the
 * connection indicator and the log) hears it: which step failed, whether the
 * token was refused (stop retrying) or not (back off and retry, poll
 * meanwhile), and whether a refusal came from the server or from a proxy.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTION_TIMINGS } from '../../../src/core/connection/timings';
import { createNetwork } from '../../../src/core/network/network';
import { fixedProxy } from '../../../src/core/network/proxyRules';
import { useGenerationRig } from './generationRig';
import { waitUntil } from './waitUntil';

const { defer, server, rawServer, muteServer, closedPort, proxy, generation } = useGenerationRig();

function proxied(proxyUrl: string) {
  const network = createNetwork({ proxy: fixedProxy(proxyUrl) });
  defer(() => network.close());
  return network;
}

describe('SocketGeneration: failed attempts and drops', () => {
  it.each([
    [401, true],
    [403, true],
  ])('an upgrade refused with %i is the token refused: auth, no failed network step', async (status) => {
    const { url } = await server(status);
    const { g, seen } = generation(url);
    await waitUntil(() => seen.downs.length === 1, 'refused');
    expect(seen.downs).toEqual([{ reason: `server refused the token (HTTP ${status})`, auth: true, immediate: false }]);
    await g.dispose();
    expect(g.listenerCount()).toBe(0);
  });

  it.each([404, 503])('an upgrade refused with %i is no verdict on the token: the indicator names the upgrade step', async (status) => {
    const { url, host } = await server(status);
    const { g, seen } = generation(url);
    await waitUntil(() => seen.downs.length === 1, 'refused');
    expect(seen.downs).toEqual([
      {
        reason: `WebSocket upgrade refused by the server (HTTP ${status}); jobs are followed by polling`,
        auth: false,
        immediate: false,
        problem: { step: 'upgrade', message: `The server ${host} refused the WebSocket upgrade (HTTP ${status}).` },
      },
    ]);
    await g.dispose();
    expect(g.listenerCount()).toBe(0);
  });

  it('a 407 with no proxy configured (an intercepting proxy on the way) asks for proxy credentials, not a new token', async () => {
    const { url, host } = await server(407);
    const { seen } = generation(url);
    await waitUntil(() => seen.downs.length === 1, 'refused');
    const [down] = seen.downs;
    expect(down).toMatchObject({ auth: false, immediate: false, problem: { step: 'proxy_auth' } });
    expect(down!.problem!.message).toMatch(new RegExp(`^The proxy wants credentials \\(HTTP 407\\) before it lets Intake reach ${host}\\.`));
    expect(down!.reason).toBe(`WebSocket: ${down!.problem!.message} Jobs are followed by polling.`);
  });

  it('a server that refuses the connection: the connect step failed, named with the server', async () => {
    const port = await closedPort();
    const { seen } = generation(`ws://127.0.0.1:${port}/api/ws`);
    await waitUntil(() => seen.downs.length === 1, 'refused');
    const said = `The server 127.0.0.1:${port} refused the connection (is it running?).`;
    expect(seen.downs).toEqual([{ reason: `WebSocket: ${said}`, auth: false, immediate: false, problem: { step: 'connect', message: said } }]);
  });

  it('an attempt that never opens is abandoned after the connect timeout, naming the silent host', async () => {
    const { url, host, sockets } = await muteServer();
    const { seen, clock } = generation(url);
    await waitUntil(() => sockets.size === 1, 'the upgrade request reached the mute server');
    const { connectTimeoutMs } = DEFAULT_CONNECTION_TIMINGS;
    clock.advance(connectTimeoutMs - 1);
    expect(seen.downs).toEqual([]);
    clock.advance(1);
    expect(seen.downs).toEqual([
      {
        reason: `connect timed out after ${connectTimeoutMs} ms`,
        auth: false,
        immediate: false,
        problem: { step: 'connect', message: `${host} did not answer within ${connectTimeoutMs} ms.` },
      },
    ]);
  });

  it('a protocol error on an open socket is a drop (backoff, retry) in ws\'s words, not "could not reach" the server it reached', async () => {
    const { url, sockets } = await rawServer();
    const { seen } = generation(url);
    await waitUntil(() => seen.open === 1 && sockets.length === 1, 'open');
    // FIN + opcode 3: a reserved opcode, which ws refuses with an error.
    sockets[0]!.write(Buffer.from([0x83, 0x00]));
    await waitUntil(() => seen.downs.length === 1, 'down');
    expect(seen.downs).toEqual([{ reason: 'socket error: Invalid WebSocket frame: invalid opcode 3', auth: false, immediate: false }]);
  });

  it('a frame announced above the payload limit ends the socket as a bad frame, with backoff', async () => {
    const { url, sockets } = await rawServer();
    const { seen } = generation(url);
    await waitUntil(() => seen.open === 1 && sockets.length === 1, 'open');
    // A text frame header announcing 5 MiB (64-bit length): refused before any of it is buffered.
    sockets[0]!.write(Buffer.from([0x81, 127, 0, 0, 0, 0, 0x00, 0x50, 0x00, 0x00]));
    await waitUntil(() => seen.downs.length === 1, 'down');
    expect(seen.downs).toEqual([{ reason: 'socket error: Max payload size exceeded', auth: false, immediate: false, badFrame: true }]);
  });

  describe('through a CONNECT proxy', () => {
    it('an open tunnel carries the socket to the server', async () => {
      const { url, host, peers } = await server();
      const tunnel = await proxy();
      const { seen } = generation(url, { network: proxied(tunnel.url) });
      await waitUntil(() => seen.open === 1 && peers.length === 1, 'open through the proxy');
      expect(tunnel.connects).toEqual([host]);
    });

    it('a 401 or 403 from the server at the end of an open tunnel is still the token refused', async () => {
      const { url } = await server(403);
      const tunnel = await proxy();
      const { seen } = generation(url, { network: proxied(tunnel.url) });
      await waitUntil(() => seen.downs.length === 1, 'refused');
      expect(seen.downs[0]).toMatchObject({ auth: true });
    });

    it('a proxy that refuses the tunnel (403) is no verdict on the token: the upgrade step failed, the proxy named, polling carries the jobs', async () => {
      const { url, host, upgrades } = await server();
      const tunnel = await proxy(403);
      const { seen } = generation(url, { network: proxied(tunnel.url) });
      await waitUntil(() => seen.downs.length === 1, 'refused');
      const said = `The proxy ${tunnel.url} refused the way to ${host} (HTTP 403). Ask your IT desk to allow it.`;
      expect(seen.downs).toEqual([
        { reason: `WebSocket: ${said} Jobs are followed by polling.`, auth: false, immediate: false, problem: { step: 'upgrade', message: said } },
      ]);
      expect(upgrades).toEqual([]);
    });

    it.each([407, 401])('a proxy that answers %i wants its own credentials: the proxy_auth step, and the token is not blamed', async (status) => {
      const { url, host } = await server();
      const tunnel = await proxy(status);
      const { seen } = generation(url, { network: proxied(tunnel.url) });
      await waitUntil(() => seen.downs.length === 1, 'refused');
      const [down] = seen.downs;
      expect(down).toMatchObject({ auth: false, immediate: false, problem: { step: 'proxy_auth' } });
      expect(down!.problem!.message).toContain(`The proxy ${tunnel.url}`);
      expect(down!.problem!.message).toContain(`(HTTP ${status})`);
      expect(down!.problem!.message).toContain(host);
      expect(down!.reason).toBe(`WebSocket: ${down!.problem!.message} Jobs are followed by polling.`);
    });
  });
});
