#!/usr/bin/env node
/**
 * Draws Intake's icons into resources/ with no image tooling: shapes are signed
 * distance functions sampled 4×4 per pixel, written as RGBA PNGs with zlib.
 * Run `node scripts/make-icons.mjs` after changing a shape; the PNGs are committed.
 *   resources/icon.png                 1024 px app icon (electron-builder derives .ico/.icns)
 *   resources/tray/<state>.png, @2x    16/32 px tray icons: idle, working, error, offline
 *   resources/tray/<state>Template…    macOS template variants (black + alpha)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');

// ---- PNG encoding ----------------------------------------------------------
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- shapes in unit coordinates (0..1), negative distance = inside ----------
const roundedBox = (cx, cy, hw, hh, r) => (x, y) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;
const ring = (cx, cy, r, w) => (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - r) - w / 2;
const union = (...fs) => (x, y) => Math.min(...fs.map((f) => f(x, y)));
const subtract = (a, b) => (x, y) => Math.max(a(x, y), -b(x, y));
const segment = (ax, ay, bx, by, w) => (x, y) => {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * t, py - dy * t) - w / 2;
};

/** Layers: [shape, [r,g,b] or (x,y)=>[r,g,b], alpha]. Painted in order with 4×4 supersampling. */
function render(size, layers) {
  const out = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          let cr = 0, cg = 0, cb = 0, ca = 0;
          for (const [shape, colour, alpha = 1] of layers) {
            if (shape(x, y) > 0) continue;
            const [lr, lg, lb] = typeof colour === 'function' ? colour(x, y) : colour;
            // "over" compositing of an opaque-ish layer
            cr = lr * alpha + cr * (1 - alpha);
            cg = lg * alpha + cg * (1 - alpha);
            cb = lb * alpha + cb * (1 - alpha);
            ca = alpha + ca * (1 - alpha);
          }
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      }
      const i = (py * size + px) * 4;
      out[i] = a ? Math.round(r / a) : 0;
      out[i + 1] = a ? Math.round(g / a) : 0;
      out[i + 2] = a ? Math.round(b / a) : 0;
      out[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return png(size, out);
}

// ---- the artwork -------------------------------------------------------------
const WHITE = [255, 255, 255];
const INK = [22, 38, 66];
const STATE_COLOURS = { working: [37, 125, 235], error: [220, 53, 69], idle: null, offline: null };

// A page with a folded corner and an upward arrow: "send this document".
const halfPlane = (nx, ny, offset) => (x, y) => (offset - (x * nx + y * ny)) / Math.hypot(nx, ny);
const foldLine = halfPlane(1, -1, 0.42); // cuts the top-right corner diagonally
const page = subtract(roundedBox(0.5, 0.52, 0.25, 0.31, 0.05), foldLine);
const arrow = union(segment(0.5, 0.68, 0.5, 0.4, 0.07), segment(0.5, 0.37, 0.39, 0.48, 0.07), segment(0.5, 0.37, 0.61, 0.48, 0.07));

function appIcon(size) {
  const background = roundedBox(0.5, 0.5, 0.44, 0.44, 0.1);
  const gradient = (x, y) => [Math.round(28 + 30 * y), Math.round(100 + 40 * (1 - y)), Math.round(210 + 30 * x)];
  // The cut corner folded down: the triangle (0.63,0.21)-(0.75,0.33)-(0.63,0.33) mirrored inward.
  const fold = (x, y) => Math.max(0.63 - x, y - 0.33, -foldLine(x, y));
  return render(size, [
    [background, gradient],
    [page, WHITE],
    [fold, [190, 210, 240]],
    [arrow, [37, 105, 220]],
  ]);
}

/** Tray: the page silhouette with the arrow cut out, plus a status badge. */
function trayIcon(size, state, template) {
  const glyphColour = template ? [0, 0, 0] : state === 'offline' ? [140, 148, 160] : INK;
  const glyph = subtract(roundedBox(0.42, 0.5, 0.3, 0.4, 0.08), arrow);
  const layers = [[glyph, glyphColour, state === 'offline' && !template ? 0.75 : 1]];
  if (state === 'offline') layers.push([segment(0.12, 0.12, 0.88, 0.88, 0.12), template ? [0, 0, 0] : [110, 118, 130]]);
  const colour = STATE_COLOURS[state];
  if (colour) {
    layers.push([circle(0.76, 0.76, 0.26), template ? [0, 0, 0] : WHITE]);
    layers.push([circle(0.76, 0.76, 0.2), template ? [0, 0, 0] : colour]);
    if (state === 'error') layers.push([segment(0.76, 0.66, 0.76, 0.78, 0.07), WHITE], [circle(0.76, 0.86, 0.04), WHITE]);
  } else if (state === 'idle') {
    layers.push([ring(0.76, 0.76, 0.16, 0.07), template ? [0, 0, 0] : [34, 160, 90]]);
  }
  return render(size, layers);
}

function write(rel, data) {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
  console.log(`wrote resources/${rel} (${data.length} bytes)`);
}

write('icon.png', appIcon(1024));
write('icon-256.png', appIcon(256));
for (const state of ['idle', 'working', 'error', 'offline']) {
  write(`tray/${state}.png`, trayIcon(16, state, false));
  write(`tray/${state}@2x.png`, trayIcon(32, state, false));
  write(`tray/${state}Template.png`, trayIcon(16, state, true));
  write(`tray/${state}Template@2x.png`, trayIcon(32, state, true));
}
