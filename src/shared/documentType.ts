/**
 * The document types the backend accepts, recognised by their first bytes —
 * one table for the client's pre-flight check and the reference server's
 * upload check. A file's name and declared content type are never trusted:
 * a renamed .exe must not pass.
 */
export type DocumentType = 'pdf' | 'tiff' | 'png' | 'jpeg';

/** Enough leading bytes to tell every accepted type apart (PNG's signature is the longest). */
export const SNIFF_BYTES = 8;

export const ACCEPTED_TYPES_TEXT = 'PDF, TIFF, PNG or JPEG';

const SIGNATURES: ReadonlyArray<{ type: DocumentType; bytes: readonly number[] }> = [
  { type: 'pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'tiff', bytes: [0x49, 0x49, 0x2a, 0x00] }, // II*\0 (little-endian)
  { type: 'tiff', bytes: [0x4d, 0x4d, 0x00, 0x2a] }, // MM\0* (big-endian)
  { type: 'png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'jpeg', bytes: [0xff, 0xd8, 0xff] },
];

/** The type whose signature starts `head`, or null when none does. */
export function detectDocumentType(head: Uint8Array): DocumentType | null {
  for (const { type, bytes } of SIGNATURES) {
    if (head.length >= bytes.length && bytes.every((byte, i) => head[i] === byte)) return type;
  }
  return null;
}

/** MIME type sent in the multipart part header. */
export function mimeTypeOf(type: string): string {
  switch (type) {
    case 'pdf':
      return 'application/pdf';
    case 'tiff':
      return 'image/tiff';
    case 'png':
      return 'image/png';
    case 'jpeg':
      return 'image/jpeg';
    default:
      return 'application/octet-stream';
  }
}
