/** Real files for the upload figures: content that passes the server's magic-byte check. */
import { open, writeFile } from 'node:fs/promises';

/** A one-page PDF, padded to `size` bytes with a comment so the size is exact. */
export function tinyPdf(size = 0): Buffer {
  const body = '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n';
  const tail = '%%EOF\n';
  const padding = Math.max(0, size - body.length - tail.length);
  return Buffer.concat([Buffer.from(body), Buffer.alloc(padding, 0x25 /* % */), Buffer.from(tail)]);
}

/**
 * A large PDF-looking file without writing gigabytes: the header is real, the
 * rest is a sparse hole (reads as zeros), so the disk does not decide.
 * The first read of a fresh hole makes the kernel fill the page cache with
 * zero pages (about 2 s per GiB here, 0.07 s for a read after it), as a file
 * read from disk for the first time costs kernel time. `readThrough` reads it
 * once before returning, so every reader gets it from the page cache: for
 * comparing uploaders, where otherwise whoever read it first paid that alone
 * (in the upload figure always Intake's first run: 4.2–4.4 s, against its
 * later runs' and curl's 2.4–2.7 s).
 */
export async function writeSparsePdf(filePath: string, size: number, options: { readThrough?: boolean } = {}): Promise<void> {
  const handle = await open(filePath, 'w+');
  try {
    await handle.write(tinyPdf());
    await handle.truncate(size);
    if (!options.readThrough) return;
    const chunk = Buffer.allocUnsafe(8 * 2 ** 20);
    for (let position = 0; position < size; position += chunk.length) await handle.read(chunk, 0, chunk.length, position);
  } finally {
    await handle.close();
  }
}

export async function writeSmallPdfs(dir: string, count: number, size: number): Promise<string[]> {
  const content = tinyPdf(size);
  const paths: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const filePath = `${dir}/doc-${String(i).padStart(5, '0')}.pdf`;
    await writeFile(filePath, content);
    paths.push(filePath);
  }
  return paths;
}
