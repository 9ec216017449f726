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

export interface SystemTrust {
  certificates: string[];
  /** Where they came from: Node's own reading of the OS store, a bundle file, or null (none could be read). */
  source: 'node' | { file: string } | null;
  /** For the log when the OS store could not be read: what is trusted instead. */
  note: string | null;
}

export interface SystemTrustDeps {
  /** Default: tls.getCACertificates when this Node has it. */
  getCACertificates?: GetCa | undefined;
  /** Default: the Linux bundle files above. */
  bundles?: readonly string[];
}

/**
 * The OS certificate store. Node 22.15+ (Electron's Node) reads it itself through
 * tls.getCACertificates('system') on Windows, macOS and Linux; plain Node 20 has no
 * such call, and there the Linux bundle file is read. Where neither works the store
 * is not trusted, and `note` says so for the log (a private CA then needs the custom CA setting).
 */
export async function systemCertificates(deps: SystemTrustDeps = {}): Promise<SystemTrust> {
  const getCa = 'getCACertificates' in deps ? deps.getCACertificates : (tls as unknown as { getCACertificates?: GetCa }).getCACertificates;
  let failure = 'this Node has no tls.getCACertificates';
  if (typeof getCa === 'function') {
    try {
      return { certificates: getCa('system'), source: 'node', note: null };
    } catch (error) {
      failure = `tls.getCACertificates('system') failed (${(error as Error)?.message ?? 'error'})`;
    }
  }
  for (const path of deps.bundles ?? LINUX_BUNDLES) {
    try {
      return { certificates: (await readFile(path, 'utf8')).match(PEM_BLOCK) ?? [], source: { file: path }, note: null };
    } catch {
      // Not this distribution's path.
    }
  }
  return {
    certificates: [],
    source: null,
    note: `The operating system's certificate store could not be read (${failure}, and no CA bundle file was found): only Node's bundled roots and the custom CA certificate are trusted.`,
  };
}
