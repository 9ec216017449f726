/**
 * A document opened for the preview: its page count and each page drawn to
 * fit a box. The decoders (pdf.js, the TIFF worker, the browser's image
 * decoder) are loaded on first use, so the window starts without them and
 * component tests never load them. Parsing and decoding run off the UI
 * thread (pdf.js's worker, the TIFF worker, createImageBitmap).
 */
import type { DocumentBytes } from '../../shared/ipc';

/** Something a canvas can draw, with its size in device pixels. */
export interface PageImage {
  source: CanvasImageSource;
  width: number;
  height: number;
  /** Frees the pixels (ImageBitmap.close); the image is not drawn after this. */
  release(): void;
}

export interface OpenedDocument {
  pageCount: number;
  /** Page `index` (0-based) scaled down (never up) to fit `box` device pixels. */
  renderPage(index: number, box: PageBox): Promise<PageImage>;
  close(): void;
}

export interface PageBox {
  width: number;
  height: number;
}

export type DocumentOpener = (document: DocumentBytes) => Promise<OpenedDocument>;

/** Why a document cannot be shown, in the words the preview uses; it can still be sent. */
export class PreviewError extends Error {
  override readonly name = 'PreviewError';
}

export const openDocument: DocumentOpener = async (document) => {
  switch (document.type) {
    case 'pdf':
      return (await import('./pdfPages')).openPdf(document.bytes);
    case 'tiff':
      return (await import('./tiffPages')).openTiff(document.bytes);
    case 'png':
    case 'jpeg':
      return (await import('./imagePages')).openImage(document.bytes, document.type);
    default:
      throw new PreviewError('This type of document cannot be shown.');
  }
};

/** The scale that fits `width × height` into `box`; pixels are never enlarged (vector pages may be). */
export function fitScale(width: number, height: number, box: PageBox, enlarge = false): number {
  if (width <= 0 || height <= 0) return 1;
  const fit = Math.min(box.width / width, box.height / height);
  return enlarge ? fit : Math.min(1, fit);
}

/** An ImageBitmap as a PageImage. */
export function bitmapImage(bitmap: ImageBitmap): PageImage {
  return { source: bitmap, width: bitmap.width, height: bitmap.height, release: () => bitmap.close() };
}

/** The words for any failure while opening or drawing a document (never a file name). */
export function previewProblem(error: unknown): string {
  if (error instanceof PreviewError) return error.message;
  return 'This document cannot be shown (damaged, or a kind of content the preview does not read). It can still be sent.';
}
