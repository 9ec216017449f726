import { describe, expect, it } from 'vitest';
import { mimeTypeOf } from '../../src/shared/documentType';

describe('mimeTypeOf (the content type of each document part in the upload)', () => {
  it.each([
    ['pdf', 'application/pdf'],
    ['tiff', 'image/tiff'],
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['docx', 'application/octet-stream'],
    ['', 'application/octet-stream'],
  ])('%s is sent as %s', (type, mime) => expect(mimeTypeOf(type)).toBe(mime));
});
