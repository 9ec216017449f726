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
 * rest is a sparse hole (reads as zeros). Reading it costs the same syscalls
 * and copies as a dense file in the page cache, which is what both uploaders
 * see; neither is slowed by the disk.
 */
export async function writeSparsePdf(filePath: string, size: number): Promise<void> {
  const handle = await open(filePath, 'w');
  try {
    await handle.write(tinyPdf());
    await handle.truncate(size);
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
