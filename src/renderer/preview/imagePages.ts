/** PNG and JPEG: one page, decoded by the browser off the UI thread (createImageBitmap). */
import { bitmapImage, fitScale, PreviewError, type OpenedDocument } from './documentPages';

export async function openImage(bytes: Uint8Array, type: 'png' | 'jpeg'): Promise<OpenedDocument> {
  let full: ImageBitmap;
  try {
    full = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: `image/${type}` }));
  } catch {
    throw new PreviewError(`This ${type.toUpperCase()} image cannot be decoded (damaged?). It can still be sent.`);
  }
  return {
    pageCount: 1,
    async renderPage(index, box) {
      if (index !== 0) throw new PreviewError('An image has one page.');
      const scale = fitScale(full.width, full.height, box);
      const bitmap = await createImageBitmap(full, {
        resizeWidth: Math.max(1, Math.round(full.width * scale)),
        resizeHeight: Math.max(1, Math.round(full.height * scale)),
        resizeQuality: 'high',
      });
      return bitmapImage(bitmap);
    },
    close: () => full.close(),
  };
}
