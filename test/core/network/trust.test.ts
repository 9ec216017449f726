/**
 * Which certificate authorities a clinic's computer trusts besides Node's roots: the custom CA
 * file (every certificate in it, or a clear refusal naming the file) and the OS store (Node's own
 * reading, else the first Linux bundle file found, else nothing, said for the log). Real files in
 * a temp folder; two fixed self-signed CA certificates (only parsed, never used for a handshake).
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCaFile, systemCertificates, TrustFileError } from '../../../src/core/network/trust';
import { makeTempDir, type TempDir } from '../../support/files';

const CA_ONE = `-----BEGIN CERTIFICATE-----
MIIBjzCCATWgAwIBAgIUNuKcZwCoS27BzHU80soBXx0VRQ4wCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSQ2xpbmljIFRlc3QgQ0EgT25lMB4XDTI2MTIwMjE3MDUwMloX
DTM2MTEyOTE3MDUwMlowHTEbMBkGA1UEAwwSQ2xpbmljIFRlc3QgQ0EgT25lMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEikhVhfCoXvMyKo6+CwUZ41ikQuNxjoiU
ExMdW4Zuu7p9EVRr5kxWFThQvtN74q1+iKG/1vCHLFzs1l4iXwWe/KNTMFEwHQYD
VR0OBBYEFCmZ3BkCRvmRdqHxnEZRCl05nNR+MB8GA1UdIwQYMBaAFCmZ3BkCRvmR
dqHxnEZRCl05nNR+MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIg
PNdFcaLEKRErEmbkVbeNV3cD0M4V2Pd5esm8s9Y69VACIQDz1ILoDiVJCAk1q81S
vfZyVm/0CB4mk6GJJuBxb7OhjQ==
-----END CERTIFICATE-----`;

const CA_TWO = `-----BEGIN CERTIFICATE-----
MIIBjzCCATWgAwIBAgIUOT7H/EX62CyXrkVHILQG1c6/CiMwCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSQ2xpbmljIFRlc3QgQ0EgVHdvMB4XDTI2MTIwMjE3MDUwM1oX
DTM2MTEyOTE3MDUwM1owHTEbMBkGA1UEAwwSQ2xpbmljIFRlc3QgQ0EgVHdvMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECYMvJGbrWr1UXFamRx6/Ifqz7ONCpjCe
7azifypwGdwJLyO7u8oGh+t8V1YDlXkWxmdl/NKdP3yrrqFR+G4GMKNTMFEwHQYD
VR0OBBYEFFMyrIVhU1iLpXcbkwendxLD+rtrMB8GA1UdIwQYMBaAFFMyrIVhU1iL
pXcbkwendxLD+rtrMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIh
ALGspEYbXbiqEGIEKMt/cHK9Qco/cSpyZXZwBLVSA0UvAiBYmH8teI5p1tMW/wFM
+w4IfQwwjRUrZbZpcCYx108iSQ==
-----END CERTIFICATE-----`;

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('intake-trust-');
});
afterAll(() => dir.remove());

describe('the custom CA file', () => {
  it('trusts every certificate in it, in order, whatever text lies around them', async () => {
    const path = await dir.file('bundle.pem', `Clinic CA bundle\n${CA_ONE}\nsubject=second\n${CA_TWO}\n`);
    expect(await readCaFile(path)).toEqual([CA_ONE, CA_TWO]);
  });

  it('refuses a file that cannot be read, naming the file and why', async () => {
    await expect(readCaFile(dir.path)).rejects.toThrow(new TrustFileError(`The CA file ${dir.path} cannot be read (EISDIR).`));
    await expect(readCaFile(`${dir.path}/none.pem`)).rejects.toThrow(new TrustFileError(`The CA file ${dir.path}/none.pem does not exist.`));
  });

  it('refuses a file without a PEM certificate, and one whose certificate is damaged', async () => {
    // Cut off before its end line (a copy-paste gone short).
    const empty = await dir.file('cut.pem', CA_ONE.slice(0, 200));
    await expect(readCaFile(empty)).rejects.toThrow(`The CA file ${empty} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
    const lines = CA_TWO.split('\n');
    const damaged = await dir.file('damaged.pem', `${CA_ONE}\n${[lines[0], lines[1]!.replace(/^.{8}/, 'AAAAAAAA'), ...lines.slice(2)].join('\n')}\n`);
    await expect(readCaFile(damaged)).rejects.toThrow(new TrustFileError(`The CA file ${damaged} holds a certificate that cannot be read.`));
  });
});

describe('the OS certificate store', () => {
  it("asks Node for the system store itself", async () => {
    const asked: string[] = [];
    const trust = await systemCertificates({ getCACertificates: (type) => (asked.push(type), [CA_ONE]) });
    expect(trust).toEqual({ certificates: [CA_ONE], source: 'node', note: null });
    expect(asked).toEqual(['system']);
  });

  it('without Node’s reading, takes the first bundle file that exists, all its certificates', async () => {
    const first = await dir.file('first.crt', `${CA_ONE}\n${CA_TWO}\n`);
    const second = await dir.file('second.crt', `${CA_TWO}\n`);
    expect(await systemCertificates({ getCACertificates: undefined, bundles: [`${dir.path}/missing.crt`, first, second] })).toEqual({
      certificates: [CA_ONE, CA_TWO],
      source: { file: first },
      note: null,
    });
    const text = await dir.file('text.crt', 'no certificates here\n');
    expect(await systemCertificates({ getCACertificates: undefined, bundles: [text] })).toEqual({ certificates: [], source: { file: text }, note: null });
  });

  it('a store that cannot be read says what failed and what is trusted instead', async () => {
    const failing = await systemCertificates({
      getCACertificates: () => {
        throw new Error('store locked');
      },
      bundles: [],
    });
    expect(failing).toEqual({
      certificates: [],
      source: null,
      note: "The operating system's certificate store could not be read (tls.getCACertificates('system') failed (store locked), and no CA bundle file was found): only Node's bundled roots and the custom CA certificate are trusted.",
    });
  });

  it('a Node without the call, or a call that fails without an error, still builds the network and says which', async () => {
    const old = await systemCertificates({ getCACertificates: undefined, bundles: [] });
    expect(old.note).toBe(
      "The operating system's certificate store could not be read (this Node has no tls.getCACertificates, and no CA bundle file was found): only Node's bundled roots and the custom CA certificate are trusted.",
    );
    const odd = await systemCertificates({
      getCACertificates: () => {
        throw undefined;
      },
      bundles: [],
    });
    expect(odd.note).toContain("tls.getCACertificates('system') failed (error)");
  });

  it('by default: Node’s own reading where this Node has it, else the Linux bundle', async () => {
    const trust = await systemCertificates();
    if (trust.source === 'node') return;
    const bundles = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem'];
    const present: string[] = [];
    for (const path of bundles) {
      if (await readFile(path, 'utf8').then(() => true, () => false)) present.push(path);
    }
    if (present.length === 0) {
      expect(trust).toMatchObject({ certificates: [], source: null });
      expect(trust.note).toContain('this Node has no tls.getCACertificates');
      return;
    }
    expect(trust.source).toEqual({ file: present[0] });
    expect(trust.certificates.length).toBeGreaterThan(0);
  });
});
