/** `npm run server -- --tls-cert FILE --tls-key FILE`: HTTPS and WSS from the real process. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../../src/core/network/network';
import { readCaFile } from '../../src/core/network/trust';
import { fetchChartStatus } from '../../src/core/statusClient';
import { parseServerArgs } from '../../src/server/serverArgs';
import { makeCertificates, type TestCertificates } from '../support/certificates';
import { makeTempDir, type TempDir } from '../support/files';
import { spawnServerProcess } from '../support/referenceServer';

let dir: TempDir;
let certs: TestCertificates;
let certFile: string;
let keyFile: string;

beforeAll(async () => {
  dir = await makeTempDir('intake-server-tls-');
  certs = makeCertificates(dir.path);
  certFile = join(dir.path, 'server.pem');
  keyFile = join(dir.path, 'server.key');
  writeFileSync(certFile, certs.good.cert);
  writeFileSync(keyFile, certs.good.key);
});
afterAll(() => dir.remove());

describe('reference server over TLS', () => {
  it('serves HTTPS and WSS from --tls-cert/--tls-key, trusted with the CA', async () => {
    const proc = await spawnServerProcess({ args: ['--tls-cert', certFile, '--tls-key', keyFile] });
    expect(proc.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(proc.wsUrl).toMatch(/^wss:\/\//);
    const network = createNetwork({ extraCa: await readCaFile(certs.caFile) });
    // The server's own answer over TLS: no jobs for that chart (a TLS failure would be a network error).
    await expect(fetchChartStatus({ baseUrl: proc.url, chartNumber: 'T-1', network })).rejects.toMatchObject({ code: 'http', status: 404 });
    await network.close();
  });

  it('refuses half a pair, a missing file and a file that is not PEM, naming the flag', () => {
    expect(parseServerArgs(['--tls-cert', certFile])).toEqual({ kind: 'error', message: '--tls-cert and --tls-key go together.' });
    expect(parseServerArgs(['--tls-cert', join(dir.path, 'none.pem'), '--tls-key', keyFile])).toMatchObject({ kind: 'error', message: expect.stringContaining('--tls-cert: cannot read') });
    expect(parseServerArgs(['--tls-cert', keyFile, '--tls-key', keyFile])).toMatchObject({ kind: 'error', message: expect.stringContaining('is not a PEM certificate') });
    expect(parseServerArgs(['--tls-cert', certFile, '--tls-key', keyFile])).toMatchObject({ kind: 'run', options: { tls: { cert: certs.good.cert, key: certs.good.key } } });
  });
});
