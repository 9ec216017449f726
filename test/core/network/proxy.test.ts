/**
 * A real proxy (Debian's tinyproxy, started here on a free port): full jobs go
 * through it, its own log shows the CONNECT tunnels, Basic auth is asked for and
 * honoured, and a stopped proxy means reconnecting until it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../../../src/core/network/network';
import { fixedProxy } from '../../../src/core/network/proxyRules';
import { readCaFile } from '../../../src/core/network/trust';
import { fetchChartStatus } from '../../../src/core/statusClient';
import { makeCertificates, type TestCertificates } from '../../support/certificates';
import { makeTempDir, type TempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { startTinyproxy } from '../../support/tinyproxy';
import { waitFor } from '../queue/waitFor';
import { openNetworkEngine, tryUpload } from './networkRig';

let dir: TempDir;
let certs: TestCertificates;

beforeAll(async () => {
  dir = await makeTempDir('intake-proxy-');
  certs = makeCertificates(dir.path);
});
afterAll(() => dir.remove());

describe('through a real proxy', () => {
  it('an open proxy: a full job over HTTPS/WSS, every connection a CONNECT tunnel in the proxy log', async () => {
    const proxy = await startTinyproxy({ dir: dir.path });
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const { port } = new URL(server.url);
    const network = createNetwork({ proxy: fixedProxy(proxy.url), extraCa: await readCaFile(certs.caFile) });
    const rig = await openNetworkEngine(server.url, network);
    try {
      await rig.runJob('PX-1');
      expect(new Set(rig.phases).size).toBeGreaterThan(2);
    } finally {
      await rig.close();
    }
    expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${port}`);
  });

  it('plain http is forwarded by the proxy, the WebSocket tunnelled', async () => {
    const proxy = await startTinyproxy({ dir: dir.path });
    const server = await startServer({ phaseMs: 10 });
    const { port } = new URL(server.url);
    const rig = await openNetworkEngine(server.url, createNetwork({ proxy: fixedProxy(proxy.url) }));
    try {
      await rig.runJob('PX-2');
    } finally {
      await rig.close();
    }
    expect(proxy.log()).toContain(`POST http://127.0.0.1:${port}/api/documents/upload`);
    expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${port}`);
  });

  it('with Basic auth: no credentials → "the proxy wants credentials", nothing reaches the server; with them the job completes', async () => {
    const proxy = await startTinyproxy({ dir: dir.path, auth: { username: 'nurse', password: 's3cret' } });
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const ca = await readCaFile(certs.caFile);
    const without = createNetwork({ proxy: fixedProxy(proxy.url), extraCa: ca });
    const outcome = await tryUpload(server.url, without);
    expect(outcome).toMatchObject({ kind: 'http', httpStatus: 407, message: expect.stringContaining(`The proxy ${proxy.url} wants credentials`) });
    await expect(fetchChartStatus({ baseUrl: server.url, chartNumber: 'X', network: without })).rejects.toThrow(`The proxy ${proxy.url} wants credentials`);
    await without.close();
    expect(server.stats.uploadsAccepted).toBe(0);
    const refused = await openNetworkEngine(server.url, createNetwork({ proxy: fixedProxy(proxy.url), extraCa: ca }));
    try {
      await waitFor(() => refused.engine.connection.state.state !== 'connecting' && 'problem' in refused.engine.connection.state, 'the socket to fail at the proxy');
      expect(refused.engine.connection.state).toMatchObject({ problem: { step: 'proxy_auth', message: expect.stringContaining(`The proxy ${proxy.url} wants credentials`) } });
    } finally {
      await refused.close();
    }

    const withCredentials = createNetwork({ proxy: fixedProxy(proxy.url), extraCa: ca, proxyCredentials: () => ({ username: 'nurse', password: 's3cret' }) });
    const rig = await openNetworkEngine(server.url, withCredentials);
    try {
      await rig.runJob('PX-3');
    } finally {
      await rig.close();
    }
  });

  it('the proxy stopped mid-job: reconnecting; restarted: the job completes', async () => {
    const proxy = await startTinyproxy({ dir: dir.path });
    const server = await startServer({ phaseMs: 300 });
    const rig = await openNetworkEngine(server.url, createNetwork({ proxy: fixedProxy(proxy.url) }));
    try {
      await waitFor(() => rig.engine.connection.state.state === 'connected', 'the socket through the proxy');
      const job = await rig.engine.queue.enqueue({ chartNumber: 'PX-4', files: [await dir.pdf('stop.pdf')] });
      await waitFor(() => rig.engine.queue.get(job.id)?.stage === 'tracking', 'the upload to be accepted');
      await proxy.stop();
      // The open socket drops first (its tunnel closed); the next try is refused by the proxy, and says so.
      const { connection } = rig.engine;
      await waitFor(() => ['reconnecting', 'polling'].includes(connection.state.state) && connection.state.reason.includes(`The proxy ${proxy.url} refused`), 'the indicator to blame the proxy');
      expect(connection.state).toMatchObject({ problem: { step: 'proxy' } });
      await proxy.start();
      await waitFor(() => rig.engine.queue.get(job.id)?.stage === 'completed', 'the job to complete after the proxy is back', 20_000);
    } finally {
      await rig.close();
    }
  });

  it('a proxy that refuses the WebSocket tunnel: polling carries the job, and the indicator says why', async () => {
    // CONNECT only to 443: uploads (plain HTTP, forwarded) pass, the socket's tunnel is refused with 403.
    const proxy = await startTinyproxy({ dir: dir.path, extra: ['ConnectPort 443'] });
    const server = await startServer({ phaseMs: 10 });
    const rig = await openNetworkEngine(server.url, createNetwork({ proxy: fixedProxy(proxy.url) }));
    try {
      const { connection } = rig.engine;
      const refused = `WebSocket: The proxy ${proxy.url} refused the way to 127.0.0.1:${new URL(server.url).port} (HTTP 403).`;
      await waitFor(() => ['reconnecting', 'polling'].includes(connection.state.state) && connection.state.reason.startsWith(refused), 'the indicator to say the proxy refused the socket');
      expect(connection.state.reason).toContain('Jobs are followed by polling.');
      expect(connection.state).toMatchObject({ problem: { step: 'upgrade', message: expect.stringContaining(`The proxy ${proxy.url} refused`) } });
      const job = await rig.engine.queue.enqueue({ chartNumber: 'PX-5', files: [await dir.pdf('poll.pdf')] });
      await waitFor(() => rig.engine.queue.get(job.id)?.stage === 'completed', 'the job to complete by polling', 20_000);
      expect(connection.state.state).not.toBe('connected');
      expect(connection.state.state).not.toBe('auth_failed');
    } finally {
      await rig.close();
    }
  });
});
