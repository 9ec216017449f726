/**
 * The parts around the files, read back by a real multipart parser (busboy, as
 * in sendUpload.test.ts) from a body assembled in memory: what a server makes
 * of the fields and file names, and what a server that reads only the plain
 * `filename` parameter (no RFC 5987) would show.
 */
import busboy from 'busboy';
import { describe, expect, it } from 'vitest';
import { layoutMultipart, type MultipartFile, type MultipartForm } from '../../../src/core/upload/multipartLayout';

interface Parsed {
  fields: Record<string, string>;
  files: Array<{ field: string; filename: string; content: string }>;
  /** The Content-Disposition lines of the file parts, as sent. */
  dispositions: string[];
}

/** One body as sendUpload writes it: header, bytes, header, bytes, ..., closing. */
function body(chartNumber: string, files: Array<{ name: string; content: string }>, form?: MultipartForm) {
  const parts: MultipartFile[] = files.map((file) => ({ name: file.name, size: Buffer.byteLength(file.content), type: 'pdf' }));
  const layout = layoutMultipart(chartNumber, parts, form);
  const bytes = Buffer.concat([...files.flatMap((file, index) => [layout.fileHeaders[index]!, Buffer.from(file.content)]), layout.closing]);
  return { layout, bytes };
}

function parse(contentType: string, bytes: Buffer): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    const parsed: Parsed = { fields: {}, files: [], dispositions: [] };
    const parser = busboy({ headers: { 'content-type': contentType } });
    parser.on('field', (name, value) => (parsed.fields[name] = value));
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => parsed.files.push({ field, filename: info.filename ?? '', content: Buffer.concat(chunks).toString() }));
    });
    parser.on('error', reject);
    parser.on('close', () => {
      parsed.dispositions = [...bytes.toString('utf8').matchAll(/^Content-Disposition: form-data; name="documents"; (.*)\r$/gm)].map((m) => m[1]!);
      resolve(parsed);
    });
    parser.end(bytes);
  });
}

describe('layoutMultipart', () => {
  it('gives a dialect its own field names and its batch field, each field intact', async () => {
    const { layout, bytes } = body('CH-7', [{ name: 'a.pdf', content: 'AAA' }], { chartNumber: 'patient', documents: 'files', extra: { batch: 'B-9' } });
    expect(layout.contentLength).toBe(bytes.length);
    const parsed = await parse(layout.contentType, bytes);
    expect(parsed.fields).toEqual({ patient: 'CH-7', batch: 'B-9' });
    expect(parsed.files).toEqual([{ field: 'files', filename: 'a.pdf', content: 'AAA' }]);
  });

  it('sends a plain ASCII name as it is, with quotes, backslashes and line breaks made harmless', async () => {
    const { layout, bytes } = body('C', [
      { name: 'scan (1).pdf', content: 'x' },
      { name: 'say "hi"\\now\r\n.pdf', content: 'y' },
    ]);
    const parsed = await parse(layout.contentType, bytes);
    expect(parsed.files.map((file) => file.filename)).toEqual(['scan (1).pdf', 'say _hi__now__.pdf']);
    // No RFC 5987 parameter where none is needed: every server reads a plain filename.
    expect(parsed.dispositions).toEqual(['filename="scan (1).pdf"', 'filename="say _hi__now__.pdf"']);
  });

  it('keeps a non-ASCII name whole for servers that read filename*, with a readable fallback for those that do not', async () => {
    const names = ["Röntgen (links) Müller's *.pdf", 'Befund_Ärztin.pdf'];
    const { layout, bytes } = body(
      'C',
      names.map((name) => ({ name, content: 'z' })),
    );
    const parsed = await parse(layout.contentType, bytes);
    expect(parsed.files.map((file) => file.filename)).toEqual(names);
    const fallbacks = parsed.dispositions.map((line) => /^filename="([^"]*)"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/.exec(line)?.[1]);
    expect(fallbacks).toEqual(["R_ntgen (links) M_ller's *.pdf", 'Befund__rztin.pdf']);
  });
});
