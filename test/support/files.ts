/**
 * Real files for upload tests: temp folders (removed after the test) and
 * documents that start with the true magic bytes of each accepted type.
 */
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MAGIC = {
  pdf: Buffer.from('%PDF-1.7\n', 'latin1'),
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  tiffLittle: Buffer.from([0x49, 0x49, 0x2a, 0x00]),
  tiffBig: Buffer.from([0x4d, 0x4d, 0x00, 0x2a]),
} as const;

export interface TempDir {
  path: string;
  file(name: string, content: Buffer | string): Promise<string>;
  /** A PDF of `pages` pages padded to about `bytes`. */
  pdf(name: string, options?: { pages?: number; bytes?: number }): Promise<string>;
  /** A file of exactly `bytes` bytes starting with `head`, mostly a hole on disk (cheap even at 1 GiB). */
  sparse(name: string, bytes: number, head?: Buffer): Promise<string>;
  remove(): Promise<void>;
}

/** Creates a temp folder (in `parent`, default the OS temp folder); call `remove()` in afterEach/afterAll. */
export async function makeTempDir(prefix = 'intake-test-', parent = tmpdir()): Promise<TempDir> {
  const path = await mkdtemp(join(parent, prefix));
  const dir: TempDir = {
    path,
    async file(name, content) {
      const target = join(path, name);
      await writeFile(target, content);
      return target;
    },
    async pdf(name, options = {}) {
      return dir.file(name, makePdf(options.pages ?? 1, options.bytes ?? 0));
    },
    async sparse(name, bytes, head = MAGIC.pdf) {
      const target = join(path, name);
      const handle = await open(target, 'w');
      try {
        await handle.write(head, 0, head.length, 0);
        await handle.truncate(bytes);
      } finally {
        await handle.close();
      }
      return target;
    },
    async remove() {
      await rm(path, { recursive: true, force: true });
    },
  };
  return dir;
}

/** A small, well-formed-enough PDF with `pages` page objects, padded with a comment to `minBytes`. */
export function makePdf(pages: number, minBytes = 0): Buffer {
  const objects = Array.from({ length: pages }, (_, i) => `${i + 3} 0 obj << /Type /Page /Parent 2 0 R >> endobj\n`).join('');
  const kids = Array.from({ length: pages }, (_, i) => `${i + 3} 0 R`).join(' ');
  let text = `%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [${kids}] /Count ${pages} >> endobj\n${objects}%%EOF\n`;
  if (text.length < minBytes) text += `%${'x'.repeat(minBytes - text.length - 2)}\n`;
  return Buffer.from(text, 'latin1');
}
