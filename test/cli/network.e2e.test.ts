/**
 * The CLI on hospital networks, all real: openssl-made certificates, the reference
 * server over HTTPS/WSS, Debian's tinyproxy. `intake doctor` names each failing step;
 * `intake upload` finishes a job through the proxy with --ca-file.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates, type TestCertificates } from '../support/certificates';
import { makeTempDir, type TempDir } from '../support/files';
import { startTinyproxy } from '../support/tinyproxy';
import { runCli } from './cliProcess';
import { writePdf } from './documents';
import { startTestServer } from './testServer';

let dir: TempDir;
let certs: TestCertificates;
/** No proxy from the test machine's environment. */
const cleanEnv = { HTTPS_PROXY: '', HTTP_PROXY: '', https_proxy: '', http_proxy: '', ALL_PROXY: '', all_proxy: '' };

beforeAll(async () => {
  dir = await makeTempDir('intake-cli-network-');
  certs = makeCertificates(dir.path);
});
afterAll(() => dir.remove());

function line(stdout: string, step: string): string {
  return stdout.split('\n').find((l) => l.slice(6).startsWith(step)) ?? `(no ${step} line in:\n${stdout})`;
}

describe('intake doctor', () => {
  it('all steps pass through the proxy with --ca-file: one line each, exit 0', async () => {
    const proxy = await startTinyproxy({ dir: dir.path });
    const server = await startTestServer({ tls: certs.good });
    const { code, stdout } = await runCli(['doctor', '--server', server.url, '--proxy', proxy.url, '--ca-file', certs.caFile], { env: cleanEnv });
    expect(stdout.split('\n').filter((l) => l !== '').map((l) => l.slice(0, 16).trim())).toEqual(['ok    DNS', 'ok    TCP', 'ok    Proxy', 'ok    TLS', 'ok    HTTP', 'ok    WebSocket']);
    expect(code).toBe(0);
    expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${new URL(server.url).port}`);
  });

  it('each failing step is named: TLS (unknown authority, expired), proxy credentials, TCP, HTTP, WebSocket', async () => {
    const server = await startTestServer({ tls: certs.good, token: 'right' });
    const noCa = await runCli(['doctor', '--server', server.url, '--no-proxy', '--token', 'right']);
    expect(line(noCa.stdout, 'TLS')).toContain('FAIL');
    expect(line(noCa.stdout, 'TLS')).toContain(`The certificate of ${new URL(server.url).host} is signed by an unknown authority`);
    expect(line(noCa.stdout, 'WebSocket')).toMatch(/^skip/);
    expect(noCa.code).toBe(1);

    const expired = await startTestServer({ tls: certs.expired });
    const old = await runCli(['doctor', '--server', expired.url, '--no-proxy', '--ca-file', certs.caFile]);
    expect(line(old.stdout, 'TLS')).toContain('has expired');

    const authProxy = await startTinyproxy({ dir: dir.path, auth: { username: 'ward', password: 'pw' } });
    const noCredentials = await runCli(['doctor', '--server', server.url, '--proxy', authProxy.url, '--ca-file', certs.caFile, '--token', 'right']);
    expect(line(noCredentials.stdout, 'Proxy')).toContain(`FAIL`);
    expect(line(noCredentials.stdout, 'Proxy')).toContain(`The proxy ${authProxy.url} wants credentials`);
    const withCredentials = await runCli(['doctor', '--server', server.url, '--proxy', authProxy.url, '--ca-file', certs.caFile, '--token', 'right'], {
      env: { INTAKE_PROXY_CREDENTIALS: 'ward:pw' },
    });
    expect(withCredentials.code).toBe(0);
    // As curl takes them: in the proxy URL; never printed back.
    const inUrl = await runCli(['doctor', '--server', server.url, '--proxy', `http://ward:pw@127.0.0.1:${authProxy.port}`, '--ca-file', certs.caFile, '--token', 'right']);
    expect(inUrl.code).toBe(0);
    expect(line(inUrl.stdout, 'Proxy')).toContain(`the proxy ${authProxy.url} let the request through`);
    expect(inUrl.stdout + inUrl.stderr).not.toContain('ward:pw');

    const badToken = await runCli(['doctor', '--server', server.url, '--no-proxy', '--ca-file', certs.caFile], { env: { INTAKE_TOKEN: 'wrong' } });
    expect(line(badToken.stdout, 'HTTP')).toMatch(/^FAIL {2}HTTP .*refused the token \(HTTP 40[13]\)/);

    const noWs = await startTestServer({ webSocket: false });
    const polling = await runCli(['doctor', '--server', noWs.url, '--no-proxy']);
    expect(line(polling.stdout, 'HTTP')).toMatch(/^ok/);
    expect(line(polling.stdout, 'WebSocket')).toContain('FAIL');
    expect(line(polling.stdout, 'WebSocket')).toContain('Jobs will be followed by polling');

    const closed = await runCli(['doctor', '--server', 'http://127.0.0.1:1/api', '--no-proxy']);
    expect(line(closed.stdout, 'TCP')).toContain('The server 127.0.0.1:1 refused the connection');
    expect(closed.code).toBe(1);
  }, 120_000);
});

describe('intake doctor on the rest of a hospital network’s failures', () => {
  it('DNS, a wrong host name, a stopped proxy and a proxy that refuses the WebSocket each fail at their own step', async () => {
    const dns = await runCli(['doctor', '--server', 'https://intake-doctor-test.invalid/api', '--no-proxy']);
    expect(line(dns.stdout, 'DNS')).toMatch(/^FAIL {2}DNS .*intake-doctor-test\.invalid could not be resolved/);
    expect(dns.code).toBe(1);

    const wrongHost = await startTestServer({ tls: certs.wrongHost });
    const misnamed = await runCli(['doctor', '--server', wrongHost.url, '--no-proxy', '--ca-file', certs.caFile]);
    expect(line(misnamed.stdout, 'TLS')).toMatch(/^FAIL {2}TLS .*is for another host name/);

    const server = await startTestServer({});
    const stopped = await startTinyproxy({ dir: dir.path });
    await stopped.stop();
    const down = await runCli(['doctor', '--server', server.url, '--proxy', stopped.url], { env: cleanEnv });
    // TCP to the proxy is what failed: that row says so, naming the proxy; the Proxy row is not tried.
    expect(line(down.stdout, 'TCP')).toMatch(new RegExp(`^FAIL {2}TCP .*The proxy ${stopped.url} refused the connection`));
    expect(line(down.stdout, 'Proxy')).toMatch(/^skip {2}Proxy .*not tried: TCP failed/);
    expect(down.code).toBe(1);

    // CONNECT only to 443: the status read is forwarded, the socket's tunnel refused.
    const noTunnel = await startTinyproxy({ dir: dir.path, extra: ['ConnectPort 443'] });
    const blocked = await runCli(['doctor', '--server', server.url, '--proxy', noTunnel.url], { env: cleanEnv });
    expect(line(blocked.stdout, 'HTTP')).toMatch(/^ok/);
    expect(line(blocked.stdout, 'WebSocket')).toMatch(new RegExp(`^FAIL {2}WebSocket .*The proxy ${noTunnel.url} refused the way .*Jobs will be followed by polling`));
    expect(blocked.code).toBe(1);
  }, 120_000);
});

describe('intake upload through a proxy', () => {
  it('a full job over HTTPS/WSS through tinyproxy with --ca-file; HTTPS_PROXY works the same', async () => {
    const proxy = await startTinyproxy({ dir: dir.path });
    const server = await startTestServer({ tls: certs.good, phaseMs: 20 });
    const file = await writePdf(path.join(dir.path, 'scan.pdf'), 2);
    const explicit = await runCli(['upload', '--server', server.url, '--proxy', proxy.url, '--ca-file', certs.caFile, '--chart', 'NET-1', '--json', file], { env: cleanEnv });
    expect(explicit.code).toBe(0);
    const fromEnv = await runCli(['upload', '--server', server.url, '--ca-file', certs.caFile, '--chart', 'NET-2', '--json', file], { env: { ...cleanEnv, HTTPS_PROXY: proxy.url } });
    expect(fromEnv.code).toBe(0);
    expect(proxy.log().match(new RegExp(`CONNECT 127\\.0\\.0\\.1:${new URL(server.url).port}`, 'g'))?.length).toBeGreaterThanOrEqual(4);
    const missingCa = await runCli(['upload', '--server', server.url, '--ca-file', path.join(dir.path, 'none.pem'), '--chart', 'NET-3', file]);
    expect(missingCa.code).toBe(2);
    expect(missingCa.stderr).toContain('does not exist');
  }, 120_000);
});
