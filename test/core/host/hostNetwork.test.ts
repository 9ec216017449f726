/**
 * The network built in the core's own process, against Debian's real
 * tinyproxy: a proxy that wants credentials (the core's network hears the 407
 * and main is told; main's ProxyLogin asks the user; the sign-in main saved is
 * used for that proxy only), and a custom CA file gone since it was set (the
 * engine opens without it, through the same proxy).
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkRecipe, ProxyAuthRequired } from '../../../src/core/host/engineProtocol';
import { RemoteEngine } from '../../../src/core/host/RemoteEngine';
import { silentLogger } from '../../../src/core/base/logger';
import { hostedConfig } from '../../support/coreHostProcess';
import { makeCertificates, type TestCertificates } from '../../support/certificates';
import { makeTempDir, type TempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { startTinyproxy } from '../../support/tinyproxy';
import { waitFor } from '../queue/waitFor';
import { inProcessHosts } from './hostRig';

let dir: TempDir;
let certs: TestCertificates;
beforeAll(async () => {
  dir = await makeTempDir('intake-host-proxy-');
  certs = makeCertificates(dir.path);
});
afterAll(() => dir.remove());

const engines: RemoteEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.dispose();
});

const GOOD = { username: 'nurse', password: 's3cret' };

describe('proxy sign-in with the engine in its own process', () => {
  it('a 407 reaches main with what was sent; the saved sign-in is sent to its own proxy only', async () => {
    const proxy = await startTinyproxy({ dir: dir.path, auth: GOOD });
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const recipe = (login: NetworkRecipe['login']): NetworkRecipe => ({
      settings: { proxyMode: 'manual', proxyUrl: proxy.url, proxyBypass: '', caFile: certs.caFile },
      login,
    });
    const required: ProxyAuthRequired[] = [];
    const { connect, hostPorts } = inProcessHosts();
    let runningAgain = 0;
    const engine = await RemoteEngine.open({
      connect,
      config: hostedConfig(server.url, join(dir.path, 'queue'), { network: recipe(null) }),
      logger: { ...silentLogger, info: (message) => void (message === 'the core process runs again' && (runningAgain += 1)) },
      resolveProxy: async () => 'DIRECT',
      onProxyAuthRequired: (request) => required.push(request),
    });
    engines.push(engine);
    /** The first step that failed, or 'none'. */
    const failedAt = async () => (await engine.checkConnection()).find((check) => check.outcome === 'failed')?.name ?? 'none';

    expect(await failedAt()).toBe('Proxy');
    expect(required).toContainEqual({ proxy: proxy.url, sent: null });

    // Saved for another proxy: nothing is sent to this one.
    await engine.setNetwork(recipe({ proxy: 'http://other.proxy:8080', ...GOOD }));
    required.length = 0;
    expect(await failedAt()).toBe('Proxy');
    expect(required).toEqual([{ proxy: proxy.url, sent: null }]);

    await engine.setNetwork(recipe({ proxy: proxy.url, ...GOOD }));
    expect(await failedAt()).toBe('none');

    // A restarted core builds the network main set last, sign-in included.
    await engine.start();
    hostPorts[0]!.close();
    await waitFor(() => runningAgain === 1, 'started again');
    required.length = 0;
    expect(await failedAt()).toBe('none');
    expect(required).toEqual([]);
  });
});

describe('a custom CA file gone since it was set', () => {
  it('the engine opens without it, through the proxy in the settings', async () => {
    const proxy = await startTinyproxy({ dir: dir.path });
    const server = await startServer({ phaseMs: 10 });
    const { connect } = inProcessHosts();
    const logged: string[] = [];
    const engine = await RemoteEngine.open({
      connect,
      config: hostedConfig(server.url, join(dir.path, 'queue-ca'), {
        network: { settings: { proxyMode: 'manual', proxyUrl: proxy.url, proxyBypass: '', caFile: join(dir.path, 'gone-ca.pem') }, login: null },
      }),
      logger: { ...silentLogger, warn: (message) => void logged.push(message) },
      resolveProxy: async () => 'DIRECT',
    });
    engines.push(engine);
    expect(logged).toContain('the custom CA file cannot be used');
    const checks = await engine.checkConnection();
    expect(checks.map((check) => `${check.name}:${check.outcome}`)).toEqual(['DNS:ok', 'TCP:ok', 'Proxy:ok', 'HTTP:ok', 'WebSocket:ok']);
  });
});
