/**
 * Decodes TIFF pages off the UI thread (utif2): a scan of 20 pages at 300 dpi
 * takes seconds to decompress. The document's bytes arrive once; each page is
 * decoded when asked for and sent back as an ImageBitmap scaled to the box.
 */
import UTIF from 'utif2';

type Request = { kind: 'open'; bytes: ArrayBuffer } | { kind: 'page'; id: number; index: number; width: number; height: number };

let buffer: ArrayBuffer | null = null;
let pages: UTIF.IFD[] = [];

self.onmessage = async (event: MessageEvent<Request>) => {
  const request = event.data;
  if (request.kind === 'open') {
    try {
      buffer = request.bytes;
      // Only directories with an image are pages (an EXIF or GPS directory is not).
      pages = UTIF.decode(buffer).filter((ifd) => ifd.t256 !== undefined && ifd.t257 !== undefined);
      self.postMessage({ kind: 'opened', pageCount: pages.length });
    } catch {
      self.postMessage({ kind: 'opened', pageCount: 0 });
    }
    return;
  }
  try {
    const ifd = pages[request.index];
    if (!ifd || !buffer) throw new Error('no such page');
    UTIF.decodeImage(buffer, ifd);
    const rgba = UTIF.toRGBA8(ifd);
    const image = new ImageData(new Uint8ClampedArray(rgba.buffer as ArrayBuffer, rgba.byteOffset, ifd.width * ifd.height * 4), ifd.width, ifd.height);
    const scale = Math.min(1, request.width / ifd.width, request.height / ifd.height);
    const bitmap = await createImageBitmap(image, {
      resizeWidth: Math.max(1, Math.round(ifd.width * scale)),
      resizeHeight: Math.max(1, Math.round(ifd.height * scale)),
      resizeQuality: 'high',
    });
    // The decoded pixels are not kept: a long scan would hold every page in memory.
    delete (ifd as Partial<UTIF.IFD>).data;
    self.postMessage({ kind: 'page', id: request.id, bitmap }, { transfer: [bitmap] });
  } catch {
    self.postMessage({ kind: 'page', id: request.id, bitmap: null });
  }
};
