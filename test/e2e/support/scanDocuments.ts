/**
 * Real documents that look like scans, made in the test: a PDF of several
 * pages written byte by byte (with its cross-reference table, a header band,
 * a title in Helvetica and lines of "text"), a multi-page TIFF written with
 * utif2's encoder, and a PNG deflated with zlib. Each page differs, so a
 * preview that shows the wrong page is caught.
 */
import { crc32, deflateSync } from 'node:zlib';
import UTIF from 'utif2';

/** A PDF of `pages` US-letter pages; page N carries "Page N" and N + 6 lines. */
export function scanPdf(pages: number): Buffer {
  const objects: string[] = [];
  const pageIds = Array.from({ length: pages }, (_, i) => 4 + i * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  pageIds.forEach((id, i) => {
    const lines = Array.from({ length: i + 7 }, (_, n) => `0.82 g 72 ${560 - n * 28} ${380 - (n % 3) * 60} 10 re f`).join('\n');
    const content = `0.12 0.36 0.84 rg 0 712 612 80 re f\n1 g BT /F1 28 Tf 72 740 Td (Chart scan) Tj ET\n0.1 g BT /F1 20 Tf 72 620 Td (Page ${i + 1} of ${pages}) Tj ET\n${lines}\n`;
    objects[id] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${id + 1} 0 R >>`;
    objects[id + 1] = `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`;
  });
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(body, 'latin1');
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** RGBA pixels of a scanned page: white paper, a coloured band, grey lines (`lines` of them). */
function pagePixels(width: number, height: number, band: [number, number, number], lines: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4).fill(255);
  const paint = (x0: number, y0: number, x1: number, y1: number, [r, g, b]: [number, number, number]) => {
    for (let y = y0; y < Math.min(y1, height); y++) {
      for (let x = x0; x < Math.min(x1, width); x++) {
        const at = (y * width + x) * 4;
        rgba[at] = r;
        rgba[at + 1] = g;
        rgba[at + 2] = b;
      }
    }
  };
  paint(0, 0, width, Math.round(height * 0.1), band);
  for (let n = 0; n < lines; n++) {
    const y = Math.round(height * 0.2) + n * Math.round(height * 0.045);
    paint(Math.round(width * 0.1), y, Math.round(width * (0.9 - (n % 3) * 0.12)), y + Math.max(2, Math.round(height * 0.012)), [200, 204, 210]);
  }
  return rgba;
}

/** A TIFF of `pages` pages (uncompressed RGBA strips), each page a different band colour. */
export function scanTiff(pages: number, width = 300, height = 400): Buffer {
  const bands: [number, number, number][] = [
    [18, 113, 74],
    [180, 43, 40],
    [124, 92, 255],
  ];
  const pixels = Array.from({ length: pages }, (_, i) => pagePixels(width, height, bands[i % bands.length]!, 8 + i * 3));
  const directory = (offset: number) => ({
    t256: [width],
    t257: [height],
    t258: [8, 8, 8, 8],
    t259: [1],
    t262: [2],
    t273: [offset],
    t277: [4],
    t278: [height],
    t279: [width * height * 4],
    t284: [1],
    t338: [1],
  });
  // The directories come first; their size does not depend on the offsets they hold.
  const headerLength = UTIF.encode(pixels.map(() => directory(0) as never)).byteLength;
  const start = Math.ceil(headerLength / 4) * 4;
  const header = UTIF.encode(pixels.map((_, i) => directory(start + i * width * height * 4) as never));
  return Buffer.concat([Buffer.from(header), Buffer.alloc(start - header.byteLength), ...pixels.map((page) => Buffer.from(page))]);
}

/** A PNG (8-bit RGB) of one scanned page. */
export function scanPng(width = 480, height = 640): Buffer {
  const rgba = pagePixels(width, height, [31, 91, 214], 12);
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) raw[y * (width * 3 + 1) + 1 + x * 3 + c] = rgba[(y * width + x) * 4 + c]!;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter method, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
