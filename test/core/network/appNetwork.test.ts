/**
 * The desktop's network over the fake electron's session: the proxy decision is
 * session.resolveProxy's PAC-style answer ("PROXY host:port; DIRECT" honoured,
 * "DIRECT" bypasses), Manual and None follow the setting, and the custom CA
 * setting is trusted besides the OS store. Real tinyproxy, real HTTPS server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { proxyFromPacAnswer } from '../../../src/core/network/pacAnswer';
import { appNetwork, NETWORK_SETTING_KEYS, networkSettings } from '../../../src/core/network/appNetwork';
import { systemCertificates } from '../../../src/core/network/trust';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { makeCertificates, type TestCertificates } from '../../support/certificates';
import { electronModule, fake, resetFakeElectron } from '../../support/fakeElectron';
import { makeTempDir, type TempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { startTinyproxy } from '../../support/tinyproxy';
import { tryUpload } from './networkRig';

let dir: TempDir;
let certs: TestCertificates;
const deps = () => ({ session: electronModule.session.defaultSession });
const system = { proxyMode: 'system' as const, proxyUrl: null, proxyBypass: '', caFile: null };

beforeAll(async () => {
  dir = await makeTempDir('intake-app-network-');
  certs = makeCertificates(dir.path);
});
afterAll(() => dir.remove());
beforeEach(() => resetFakeElectron());

describe('the app network', () => {
  it('reads PAC answers: the first PROXY/HTTPS entry, DIRECT as direct, SOCKS passed over', () => {
    expect(proxyFromPacAnswer('PROXY proxy.intra:8080; DIRECT')).toBe('http://proxy.intra:8080');
    expect(proxyFromPacAnswer('DIRECT')).toBeNull();
    expect(proxyFromPacAnswer('SOCKS5 s:1080; HTTPS secure.intra:443')).toBe('https://secure.intra:443');
    expect(proxyFromPacAnswer('')).toBeNull();
  });

  it('System: the session answer "PROXY host:port; DIRECT" sends the upload through that proxy; "DIRECT" bypasses it', async () => {
    const proxy = await startTinyproxy({ dir: dir.path });
    const server = await startServer({ phaseMs: 10 });
    const uploadsLogged = () => proxy.log().split('\n').filter((l) => l.includes('/api/documents/upload')).length;
    fake.proxyAnswer = () => `PROXY 127.0.0.1:${proxy.port}; DIRECT`;
    const viaPac = await appNetwork({ ...DEFAULT_SETTINGS, ...system }, deps());
    expect(await tryUpload(server.url, viaPac)).toMatchObject({ kind: 'accepted' });
    expect(uploadsLogged()).toBe(1);
    expect(fake.proxyQueries.some((url) => url.startsWith(new URL(server.url).origin))).toBe(true);
    await viaPac.close();

    fake.proxyAnswer = () => 'DIRECT';
    const direct = await appNetwork(system, deps());
    expect(await tryUpload(server.url, direct)).toMatchObject({ kind: 'accepted' });
    expect(uploadsLogged()).toBe(1);
    await direct.close();
  });

  it('None and Manual do not ask the session; Manual bypasses what the list names', async () => {
    const proxy = await startTinyproxy({ dir: dir.path });
    const server = await startServer({ phaseMs: 10 });
    fake.proxyAnswer = () => `PROXY 127.0.0.1:${proxy.port}`;
    const none = await appNetwork({ ...system, proxyMode: 'none' }, deps());
    expect(await none.proxyFor(new URL(server.url))).toBeNull();
    const manual = await appNetwork({ ...system, proxyMode: 'manual', proxyUrl: proxy.url, proxyBypass: 'localhost' }, deps());
    expect(await manual.proxyFor(new URL(server.url))).toBe(proxy.url);
    expect(await manual.proxyFor(new URL('http://localhost:1/api'))).toBeNull();
    expect(fake.proxyQueries).toEqual([]);
    await Promise.all([none.close(), manual.close()]);
  });

  it('the custom CA setting makes a server signed by a private CA trusted; without it the error names the server', async () => {
    const server = await startServer({ tls: certs.good });
    const withCa = await appNetwork({ ...system, proxyMode: 'none', caFile: certs.caFile }, deps());
    expect(await tryUpload(server.url, withCa)).toMatchObject({ kind: 'accepted' });
    const without = await appNetwork({ ...system, proxyMode: 'none' }, deps());
    expect(await tryUpload(server.url, without)).toMatchObject({ kind: 'network', message: expect.stringContaining(`The certificate of ${new URL(server.url).host} is signed by an unknown authority`) });
    await expect(appNetwork({ ...system, caFile: `${dir.path}/gone.pem` }, deps())).rejects.toThrow('does not exist');
    await Promise.all([withCa.close(), without.close()]);
  });

  it('only the network settings go to the core\'s own process, and a change to any of them rebuilds the network', () => {
    const settings = { ...DEFAULT_SETTINGS, proxyMode: 'manual' as const, proxyUrl: 'http://proxy.intra:3128', proxyBypass: 'localhost', caFile: '/etc/clinic/ca.pem' };
    expect(networkSettings(settings)).toEqual({ proxyMode: 'manual', proxyUrl: 'http://proxy.intra:3128', proxyBypass: 'localhost', caFile: '/etc/clinic/ca.pem' });
    expect([...NETWORK_SETTING_KEYS].sort()).toEqual(['caFile', 'proxyBypass', 'proxyMode', 'proxyUrl']);
  });

  it('Manual without a proxy URL follows the system (the session), so the user is never left without the PAC proxy', async () => {
    fake.proxyAnswer = () => 'PROXY pac.intra:8080; DIRECT';
    const manualEmpty = await appNetwork({ ...system, proxyMode: 'manual', proxyUrl: null, proxyBypass: 'records.intra' }, deps());
    expect(await manualEmpty.proxyFor(new URL('https://records.intra/api'))).toBe('http://pac.intra:8080');
    expect(fake.proxyQueries).toEqual(['https://records.intra/api']);
    // Back on System after Manual: the URL left in the settings is not used.
    const backToSystem = await appNetwork({ ...system, proxyUrl: 'http://old-manual.intra:3128' }, deps());
    expect(await backToSystem.proxyFor(new URL('https://records.intra/api'))).toBe('http://pac.intra:8080');
    await Promise.all([manualEmpty.close(), backToSystem.close()]);
  });

  it('a proxy that wants credentials: the credentials the user gave are sent; without them main hears of the 407', async () => {
    const auth = { username: 'nurse', password: 's3cret' };
    const proxy = await startTinyproxy({ dir: dir.path, auth });
    const server = await startServer({ phaseMs: 10 });
    const manual = { ...system, proxyMode: 'manual' as const, proxyUrl: proxy.url };
    const required: Array<[string, unknown]> = [];
    const asking = await appNetwork(manual, { ...deps(), onProxyAuthRequired: (p, sent) => void required.push([p, sent]) });
    // A status read (an upload's body may race the proxy's early 407 and see the connection cut instead).
    await expect(asking.fetch(`${server.url}/documents/status`)).rejects.toThrow('fetch failed');
    expect(required).toEqual([[proxy.url, null]]);
    const given = await appNetwork(manual, { ...deps(), proxyCredentials: (p) => (p === proxy.url ? auth : null) });
    expect(await tryUpload(server.url, given)).toMatchObject({ kind: 'accepted' });
    await Promise.all([asking.close(), given.close()]);
  });

  it('the log hears of the OS certificate store only when it cannot be read', async () => {
    const warned: string[] = [];
    const network = await appNetwork({ ...system, proxyMode: 'none' }, { ...deps(), logger: { warn: (message: string) => void warned.push(message) } });
    const { note } = await systemCertificates();
    expect(warned).toEqual(note === null ? [] : [note]);
    await network.close();
  });
});
