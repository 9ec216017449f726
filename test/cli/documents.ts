// Real documents for CLI tests: content that passes (or fails) the type check by its first bytes.
import { writeFile } from 'node:fs/promises';

export function pdfBytes(pages = 1, padding = 0): Buffer {
  const objects = Array.from({ length: pages }, (_, i) => `${i + 3} 0 obj << /Type /Page /Parent 2 0 R >> endobj\n`).join('');
  const body = `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Count ${pages} >> endobj\n${objects}`;
  return Buffer.concat([Buffer.from(body), Buffer.alloc(padding, 0x20), Buffer.from('\n%%EOF\n')]);
}

export async function writePdf(file: string, pages = 1, padding = 0): Promise<string> {
  await writeFile(file, pdfBytes(pages, padding));
  return file;
}
