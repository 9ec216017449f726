/**
 * Document types accepted by upload, recognised by their first bytes. The
 * client's content type and file name are not trusted: they are whatever the
 * sender says.
 */
export type DocumentType = 'pdf' | 'tiff' | 'png' | 'jpeg';

/** Bytes needed before a verdict is possible (PNG's signature is the longest). */
export const MAGIC_BYTES_NEEDED = 8;

const SIGNATURES: Array<{ type: DocumentType; bytes: number[] }> = [
  { type: 'pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'tiff', bytes: [0x49, 0x49, 0x2a, 0x00] }, // II*\0 little-endian
  { type: 'tiff', bytes: [0x4d, 0x4d, 0x00, 0x2a] }, // MM\0* big-endian
  { type: 'png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'jpeg', bytes: [0xff, 0xd8, 0xff] },
];

/** The type the bytes start with, or null when they match no accepted type. */
export function detectDocumentType(head: Uint8Array): DocumentType | null {
  for (const { type, bytes } of SIGNATURES) {
    if (head.length >= bytes.length && bytes.every((byte, i) => head[i] === byte)) return type;
  }
  return null;
}

export const ACCEPTED_TYPES_TEXT = 'PDF, TIFF, PNG or JPEG';
