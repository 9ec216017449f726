/**
 * The bytes around the files of a multipart/form-data upload body, computed
 * up front so the request carries an exact Content-Length. A chunked request
 * would work with Node's server but not with every proxy in front of a backend.
 */
import { randomBytes } from 'node:crypto';
import { mimeTypeOf } from '../../shared/documentType';

export interface MultipartFile {
  name: string;
  size: number;
  type: string;
}

export interface MultipartLayout {
  contentType: string;
  /** Everything before the first file's bytes (the chartNumber field and the first part header). */
  fileHeaders: Buffer[];
  /** Written after the last file's bytes. */
  closing: Buffer;
  contentLength: number;
}

/** Field names of a Socket.IO dialect (PROTOCOL.md "Backend dialects") and any more text fields (its batch id). */
export interface MultipartForm {
  chartNumber: string;
  documents: string;
  extra?: Record<string, string>;
}

const INTAKE_FORM: MultipartForm = { chartNumber: 'chartNumber', documents: 'documents' };

export function layoutMultipart(chartNumber: string, files: readonly MultipartFile[], form: MultipartForm = INTAKE_FORM): MultipartLayout {
  const boundary = `----IntakeUpload${randomBytes(12).toString('hex')}`;
  const fields = { [form.chartNumber]: chartNumber, ...form.extra };
  const field = Object.entries(fields)
    .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join('');
  const fileHeaders = files.map((file, index) =>
    Buffer.from(
      // Each part after the first starts by closing the previous file's bytes.
      `${index === 0 ? field : '\r\n'}--${boundary}\r\n` +
        `Content-Disposition: form-data; name="${form.documents}"; ${filenameParams(file.name)}\r\n` +
        `Content-Type: ${mimeTypeOf(file.type)}\r\n\r\n`,
      'utf8',
    ),
  );
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const contentLength =
    fileHeaders.reduce((sum, header) => sum + header.length, 0) + files.reduce((sum, file) => sum + file.size, 0) + closing.length;
  return { contentType: `multipart/form-data; boundary=${boundary}`, fileHeaders, closing, contentLength };
}

/**
 * Plain `filename` for ASCII names; otherwise an ASCII fallback plus RFC 5987
 * `filename*`, because parsers read a bare `filename` as Latin-1 and would
 * garble "Bericht_Müller.pdf".
 */
function filenameParams(name: string): string {
  const safe = name.replace(/[\r\n"\\]/g, '_');
  if (/^[\x20-\x7e]*$/.test(safe)) return `filename="${safe}"`;
  const fallback = safe.replace(/[^\x20-\x7e]/g, '_');
  return `filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}
