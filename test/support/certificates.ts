/**
 * A private certificate authority and server certificates made with the real
 * `openssl` for one test file: a good one (localhost, 127.0.0.1), an expired one,
 * and one for another host name. EC keys: quick to make.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificates {
  /** The CA certificate (PEM file) a client must be told to trust. */
  caFile: string;
  good: { cert: string; key: string };
  expired: { cert: string; key: string };
  wrongHost: { cert: string; key: string };
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function serverCertificate(dir: string, name: string, altNames: string, days: number): { cert: string; key: string } {
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${altNames}\n`);
  // A negative -days makes notAfter lie before now: an expired certificate, as a server may still present.
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(Date.now() % 1e9), '-days', String(days), '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
  return { cert: readFileSync(join(dir, `${name}.pem`), 'utf8'), key: readFileSync(join(dir, `${name}.key`), 'utf8') };
}

export function makeCertificates(dir: string): TestCertificates {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Intake Test Hospital CA', '-days', '2']);
  return {
    caFile: join(dir, 'ca.pem'),
    good: serverCertificate(dir, 'good', 'DNS:localhost,IP:127.0.0.1', 2),
    expired: serverCertificate(dir, 'expired', 'DNS:localhost,IP:127.0.0.1', -1),
    wrongHost: serverCertificate(dir, 'wrong', 'DNS:records.other.example', 2),
  };
}
