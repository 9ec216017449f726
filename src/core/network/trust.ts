/**
 * Which certificate authorities Intake trusts besides Node's bundled roots: a custom
 * CA file (PEM; the app's setting, the CLI's --ca-file) and the operating system's
 * store, where a hospital's IT puts its private CA.
 */
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';

export class TrustFileError extends Error {}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates in a PEM file; a clear error for a missing, unreadable or non-PEM file. */
export async function readCaFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TrustFileError(code === 'ENOENT' ? `The CA file ${path} does not exist.` : `The CA file ${path} cannot be read (${code ?? 'error'}).`);
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new TrustFileError(`The CA file ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new TrustFileError(`The CA file ${path} holds a certificate that cannot be read.`);
    }
  }
  return blocks;
}

/** Where Debian/Ubuntu, Fedora/RHEL and openSUSE keep the OS store as one PEM bundle. */
const LINUX_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem'];

type GetCa = (type: 'system') => string[];

/**
 * The OS certificate store. Node 22.15+ (Electron's Node) reads it itself through
 * tls.getCACertificates('system') on Windows, macOS and Linux; plain Node 20 has no
 * such call, and there the Linux bundle file is read. Empty when neither is there.
 */
export async function systemCertificates(): Promise<string[]> {
  const getCa = (tls as unknown as { getCACertificates?: GetCa }).getCACertificates;
  if (typeof getCa === 'function') return getCa('system');
  for (const path of LINUX_BUNDLES) {
    try {
      return (await readFile(path, 'utf8')).match(PEM_BLOCK) ?? [];
    } catch {
      // Not this distribution's path.
    }
  }
  return [];
}
