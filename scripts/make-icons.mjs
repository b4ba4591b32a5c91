// Draws the app and tray icons (resources/icons/*.png) with no image library: a patch panel of three
// cross-connected jacks on a rounded square. Run it after changing the drawing; the PNGs are committed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const out = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'resources', 'icons');
const BACKGROUND = [30, 41, 59]; // slate-800
const JACK = [45, 212, 191]; // teal-400
const rows = [0.3, 0.5, 0.7];
const cords = [[0.3, 0.7], [0.5, 0.5], [0.7, 0.3]]; // left row to right row
const left = 0.28;
const right = 0.72;

/** Coverage of each shape at a point of the unit square, top shape last. */
function colorAt(x, y) {
  if (!insideRoundedSquare(x, y, 0.04, 0.2)) return null;
  const onJack = rows.some((row) => Math.hypot(x - left, y - row) < 0.085 || Math.hypot(x - right, y - row) < 0.085);
  const onCord = cords.some(([from, to]) => distanceToSegment(x, y, left, from, right, to) < 0.035);
  return onJack || onCord ? JACK : BACKGROUND;
}

function insideRoundedSquare(x, y, margin, radius) {
  const dx = Math.max(Math.abs(x - 0.5) - (0.5 - margin - radius), 0);
  const dy = Math.max(Math.abs(y - 0.5) - (0.5 - margin - radius), 0);
  return Math.hypot(dx, dy) <= radius;
}

function distanceToSegment(px, py, ax, ay, bx, by) {
  const t = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}

/** RGBA pixels, 4x4 supersampled so edges are smooth at 16 px too. */
function render(size) {
  const pixels = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const color = colorAt((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (!color) continue;
          sum[0] += color[0];
          sum[1] += color[1];
          sum[2] += color[2];
          sum[3] += 255;
        }
      }
      const covered = sum[3] / 255;
      const offset = (py * size + px) * 4;
      if (covered > 0) for (let c = 0; c < 3; c++) pixels[offset + c] = Math.round(sum[c] / covered);
      pixels[offset + 3] = Math.round(sum[3] / (n * n));
    }
  }
  return pixels;
}

function png(size, pixels) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = [];
  for (let y = 0; y < size; y++) rows.push(Buffer.from([0]), pixels.subarray(y * size * 4, (y + 1) * size * 4));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

fs.mkdirSync(out, { recursive: true });
// tray@2x is picked up by Electron on high-density screens; icon.png feeds electron-builder (512 px for macOS).
for (const [name, size] of [['tray.png', 16], ['tray@2x.png', 32], ['icon.png', 512]]) {
  fs.writeFileSync(path.join(out, name), png(size, render(size)));
  process.stdout.write(`${path.join('resources', 'icons', name)} (${size}x${size})\n`);
}
