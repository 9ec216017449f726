/** TIFF (single or multi-page): one worker per open document, decoding a page when asked (tiffWorker.ts). */
import { bitmapImage, PreviewError, type OpenedDocument } from './documentPages';
import TiffWorker from './tiffWorker?worker';

type Reply = { kind: 'opened'; pageCount: number } | { kind: 'page'; id: number; bitmap: ImageBitmap | null };

export async function openTiff(bytes: Uint8Array): Promise<OpenedDocument> {
  const worker = new TiffWorker();
  const waiting = new Map<number, (bitmap: ImageBitmap | null) => void>();
  let nextId = 1;
  const pageCount = await new Promise<number>((resolve) => {
    worker.onmessage = (event: MessageEvent<Reply>) => {
      const reply = event.data;
      if (reply.kind === 'opened') return resolve(reply.pageCount);
      waiting.get(reply.id)?.(reply.bitmap);
      waiting.delete(reply.id);
    };
    worker.onerror = () => resolve(0);
    const copy = bytes.slice().buffer;
    worker.postMessage({ kind: 'open', bytes: copy }, [copy]);
  });
  if (pageCount === 0) {
    worker.terminate();
    throw new PreviewError('This TIFF cannot be decoded (damaged, or a compression the preview does not read). It can still be sent.');
  }
  return {
    pageCount,
    renderPage: (index, box) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, (bitmap) => (bitmap ? resolve(bitmapImage(bitmap)) : reject(new PreviewError(`Page ${index + 1} of this TIFF cannot be decoded. The document can still be sent.`))));
        worker.postMessage({ kind: 'page', id, index, width: box.width, height: box.height });
      }),
    close: () => {
      worker.terminate();
      for (const settle of waiting.values()) settle(null);
      waiting.clear();
    },
  };
}
