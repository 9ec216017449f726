/**
 * PDF with pdf.js: parsed in pdf.js's own worker (bundled by Vite, served
 * from 'self'), pages drawn on a canvas and handed over as ImageBitmaps.
 * Inside the app's CSP: no eval (isEvalSupported false), no fetch (no font,
 * CMap or WebAssembly URLs: fonts a PDF does not embed fall back to system
 * fonts; JPEG 2000 images inside a PDF are not drawn).
 */
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist';
import PdfWorker from 'pdfjs-dist/build/pdf.worker.min.mjs?worker';
import { bitmapImage, fitScale, PreviewError, type OpenedDocument } from './documentPages';

let workerReady = false;
function ensureWorker(): void {
  if (workerReady) return;
  // One worker for every document, started the first time a PDF is shown.
  GlobalWorkerOptions.workerPort = new PdfWorker();
  workerReady = true;
}

export async function openPdf(bytes: Uint8Array): Promise<OpenedDocument> {
  ensureWorker();
  let pdf: PDFDocumentProxy;
  try {
    pdf = await getDocument({ data: bytes, isEvalSupported: false, useWasm: false, enableXfa: false, stopAtErrors: false }).promise;
  } catch (error) {
    if ((error as Error)?.name === 'PasswordException') throw new PreviewError('This PDF is protected by a password: it cannot be shown here. It can still be sent.');
    throw new PreviewError('This PDF cannot be read (damaged?). It can still be sent.');
  }
  return {
    pageCount: pdf.numPages,
    async renderPage(index, box) {
      const page = await pdf.getPage(index + 1);
      try {
        const natural = page.getViewport({ scale: 1 });
        const viewport = page.getViewport({ scale: fitScale(natural.width, natural.height, box, true) });
        const canvas = document.createElement('canvas');
        canvas.width = Math.max(1, Math.round(viewport.width));
        canvas.height = Math.max(1, Math.round(viewport.height));
        await page.render({ canvas, viewport, background: 'white' }).promise;
        return bitmapImage(await createImageBitmap(canvas));
      } finally {
        page.cleanup();
      }
    },
    close: () => void pdf.destroy(),
  };
}
