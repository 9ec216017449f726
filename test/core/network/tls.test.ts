/**
 * TLS with a private certificate authority, all real: openssl makes the CA and the
 * server certificates, the reference server serves HTTPS and WSS, the engine
 * connects through the one network port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../../../src/core/network/network';
import { readCaFile, systemCertificates, TrustFileError } from '../../../src/core/network/trust';
import { fetchChartStatus } from '../../../src/core/statusClient';
import { makeCertificates, type TestCertificates } from '../../support/certificates';
import { makeTempDir, type TempDir } from '../../support/files';
import { startServer } from '../../support/referenceServer';
import { openNetworkEngine, tryUpload } from './networkRig';

let dir: TempDir;
let certs: TestCertificates;

beforeAll(async () => {
  dir = await makeTempDir('intake-tls-');
  certs = makeCertificates(dir.path);
});
afterAll(() => dir.remove());

describe('TLS through the network port', () => {
  it('with the custom CA trusted: a full job over HTTPS and WSS, the socket live', async () => {
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api$/);
    const rig = await openNetworkEngine(server.url, createNetwork({ extraCa: await readCaFile(certs.caFile) }));
    try {
      await rig.runJob('TLS-1');
      // Live phases arrived (over the socket: it was connected throughout), not only the end state.
      expect(new Set(rig.phases).size).toBeGreaterThan(2);
      expect(server.stats.uploadsAccepted).toBe(1);
    } finally {
      await rig.close();
    }
  });

  it('without the CA: upload, status read and socket each name the server and an unknown authority', async () => {
    const server = await startServer({ phaseMs: 10, tls: certs.good });
    const host = new URL(server.url).host;
    const outcome = await tryUpload(server.url, createNetwork());
    expect(outcome.kind).toBe('network');
    expect(outcome).toMatchObject({ message: expect.stringContaining(`The certificate of ${host} is signed by an unknown authority`) });
    await expect(fetchChartStatus({ baseUrl: server.url, chartNumber: 'X', network: createNetwork() })).rejects.toThrow(`The certificate of ${host} is signed by an unknown authority`);
    const rig = await openNetworkEngine(server.url, createNetwork());
    try {
      await waitForReason(() => rig.engine.connection.state.reason, 'unknown authority');
      expect(rig.engine.connection.state.reason).toContain(host);
      // The failed step reaches the indicator as a field, not only as words.
      expect(rig.engine.connection.state).toMatchObject({ problem: { step: 'tls', message: expect.stringContaining(host) } });
    } finally {
      await rig.close();
    }
    expect(server.stats.uploadsAccepted).toBe(0);
  });

  it('an expired certificate and a wrong host name each get their own message', async () => {
    const network = createNetwork({ extraCa: await readCaFile(certs.caFile) });
    const expired = await startServer({ tls: certs.expired });
    const wrong = await startServer({ tls: certs.wrongHost });
    const expiredOutcome = await tryUpload(expired.url, network);
    const wrongOutcome = await tryUpload(wrong.url, network);
    expect(expiredOutcome).toMatchObject({ kind: 'network', message: expect.stringContaining(`The certificate of ${new URL(expired.url).host} has expired`) });
    expect(wrongOutcome).toMatchObject({ kind: 'network', message: expect.stringContaining(`The certificate of ${new URL(wrong.url).host} is for another host name`) });
    await network.close();
  });

  it('a CA file that is missing or not PEM is refused with the file named', async () => {
    await expect(readCaFile(`${dir.path}/none.pem`)).rejects.toThrow(`The CA file ${dir.path}/none.pem does not exist.`);
    const notPem = await dir.file('not.pem', 'hello');
    await expect(readCaFile(notPem)).rejects.toThrow(TrustFileError);
    await expect(readCaFile(notPem)).rejects.toThrow('holds no PEM certificate');
  });
});

async function waitForReason(reason: () => string, part: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!reason().includes(part)) {
    if (Date.now() > deadline) throw new Error(`connection reason never said "${part}" (last: ${reason()})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the OS certificate store', () => {
  it('is read by Node where it can (Electron’s Node), else from the Linux bundle file, else not at all — and then says so', async () => {
    const ca = await readCaFile(certs.caFile);
    expect(await systemCertificates({ getCACertificates: () => ca })).toEqual({ certificates: ca, source: 'node', note: null });

    const bundle = await dir.file('bundle.crt', `${ca[0]}\n`);
    const broken = () => {
      throw new Error('not supported');
    };
    expect(await systemCertificates({ getCACertificates: broken, bundles: [`${dir.path}/missing.crt`, bundle] })).toEqual({ certificates: ca, source: { file: bundle }, note: null });

    const none = await systemCertificates({ getCACertificates: undefined, bundles: [`${dir.path}/missing.crt`] });
    expect(none).toMatchObject({ certificates: [], source: null });
    expect(none.note).toContain("The operating system's certificate store could not be read (this Node has no tls.getCACertificates");
    expect(none.note).toContain('only Node');
    expect((await systemCertificates({ getCACertificates: broken, bundles: [] })).note).toContain("tls.getCACertificates('system') failed (not supported)");
  });
});
