/** Test helpers: draw antialiased strokes into RGBA canvases and encode them as PNG/JPEG. */
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';

export type Rgba = [number, number, number, number];
export interface Canvas {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export function canvas(width: number, height: number, background: Rgba): Canvas {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set(background, i * 4);
  return { width, height, rgba };
}

/**
 * Draw a polyline (points in 0..1 of the box [x, y, w, h] in canvas pixels) with the given
 * thickness, blending `ink` by pixel coverage (antialiased by 4×4 supersampling).
 */
export function stroke(
  c: Canvas,
  points: Array<[number, number]>,
  box: [number, number, number, number],
  thickness: number,
  ink: Rgba,
): void {
  const pts = points.map(([u, v]) => [box[0] + u * box[2], box[1] + v * box[3]] as const);
  const r = thickness / 2;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [xa, xb] = [Math.max(0, Math.floor(Math.min(...xs) - r)), Math.min(c.width, Math.ceil(Math.max(...xs) + r))];
  const [ya, yb] = [Math.max(0, Math.floor(Math.min(...ys) - r)), Math.min(c.height, Math.ceil(Math.max(...ys) + r))];
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) {
      let covered = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const px = x + (sx + 0.5) / 4;
          const py = y + (sy + 0.5) / 4;
          for (let k = 1; k < pts.length; k++) {
            if (dist2ToSegment(px, py, pts[k - 1]!, pts[k]!) <= r * r) {
              covered++;
              break;
            }
          }
        }
      }
      if (covered === 0) continue;
      const a = (covered / 16) * (ink[3] / 255);
      const i = (y * c.width + x) * 4;
      const dstA = c.rgba[i + 3]! / 255;
      const outA = a + dstA * (1 - a);
      for (let ch = 0; ch < 3; ch++) {
        const blended = outA === 0 ? 0 : (ink[ch]! * a + c.rgba[i + ch]! * dstA * (1 - a)) / outA;
        c.rgba[i + ch] = Math.round(blended);
      }
      c.rgba[i + 3] = Math.round(outA * 255);
    }
  }
}

function dist2ToSegment(px: number, py: number, a: readonly [number, number], b: readonly [number, number]): number {
  const [ax, ay] = a;
  const [bx, by] = b;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  const ex = px - (ax + t * dx);
  const ey = py - (ay + t * dy);
  return ex * ex + ey * ey;
}

/** A "7": top bar and a slanted stem, asymmetric so a wrong centring shows. */
export const SEVEN: Array<[number, number]> = [
  [0, 0],
  [1, 0],
  [0.35, 1],
];

export function toPng(c: Canvas): Buffer {
  const png = new PNG({ width: c.width, height: c.height });
  png.data = Buffer.from(c.rgba);
  return PNG.sync.write(png, { deflateLevel: 1 });
}

export function toJpeg(c: Canvas, quality = 90): Buffer {
  return jpeg.encode({ width: c.width, height: c.height, data: Buffer.from(c.rgba) }, quality).data;
}

/** 28×28 statistics the tests assert on. */
export function centreOfMass(p: Float32Array): { x: number; y: number } {
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < p.length; i++) {
    m += p[i]!;
    mx += (i % 28) * p[i]!;
    my += Math.floor(i / 28) * p[i]!;
  }
  return { x: mx / m, y: my / m };
}

export function inkBox(p: Float32Array, threshold = 0.02): { width: number; height: number } {
  let x0 = 28;
  let x1 = -1;
  let y0 = 28;
  let y1 = -1;
  for (let i = 0; i < p.length; i++) {
    if (p[i]! <= threshold) continue;
    const x = i % 28;
    const y = Math.floor(i / 28);
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return { width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Signature + IHDR chunk only (the CRC is not checked before the size is). */
export function pngHeader(width: number, height: number, interlace = 0, bitDepth = 8, colourType = 0): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([bitDepth, colourType, 0, 0, interlace], 16);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}

/** SOI, APP0 and a frame header (SOF0, or SOF2 for a progressive JPEG) declaring the size. */
export function jpegHeader(width: number, height: number, frame = 0xc0): Buffer {
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ]);
  const sof = Buffer.from([
    0xff,
    frame,
    0x00,
    0x0b,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x01,
    0x01,
    0x11,
    0x00,
  ]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof]);
}
