/**
 * The first convolution's filter gradient (one input channel, stride 1, valid padding, output
 * channels a multiple of 16) in hand-written WebAssembly SIMD (simd/filter-grad-c1.wat). The
 * module has its own memory: x and dy are copied in (~5 MB a step of 128), which costs less than
 * the operator XNNPACK packs every step for this shape.
 */
import { WASM_BASE64 } from './simd/filter-grad-c1.wasm';

interface FilterGradExports {
  memory: WebAssembly.Memory;
  filterGradC1(
    x: number,
    dy: number,
    out: number,
    batch: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    o: number,
  ): void;
}

export interface FilterGradC1Shape {
  batch: number;
  inHeight: number;
  inWidth: number;
  filterHeight: number;
  filterWidth: number;
  outChannels: number;
}

const PAGE_BYTES = 65_536;
const GROUP = 16;
let instance: FilterGradExports | undefined;

function exportsOf(): FilterGradExports {
  // Synchronous compile: ~550 bytes, once per process (Node allows it at any size).
  instance ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64')))
    .exports as unknown as FilterGradExports;
  return instance;
}

/** Whether filterGradC1 computes this case; the rest takes the general path. */
export function filterGradC1Fits(s: FilterGradC1Shape): boolean {
  return (
    s.batch >= 1 &&
    s.filterHeight >= 1 &&
    s.filterWidth >= 1 &&
    s.inHeight >= s.filterHeight &&
    s.inWidth >= s.filterWidth &&
    s.outChannels >= GROUP &&
    s.outChannels % GROUP === 0
  );
}

/**
 * dW [kh, kw, 1, o] of x [batch, h, w, 1] and dy [batch, h-kh+1, w-kw+1, o], written into `out`
 * (kh·kw·o floats). The caller checks filterGradC1Fits first.
 */
export function filterGradC1(x: Float32Array, dy: Float32Array, out: Float32Array, s: FilterGradC1Shape): void {
  const outH = s.inHeight - s.filterHeight + 1;
  const outW = s.inWidth - s.filterWidth + 1;
  const xLength = s.batch * s.inHeight * s.inWidth;
  const dyLength = s.batch * outH * outW * s.outChannels;
  const outLength = s.filterHeight * s.filterWidth * s.outChannels;
  if (x.length < xLength || dy.length < dyLength || out.length < outLength)
    throw new RangeError('filterGradC1: an array is shorter than its shape');
  const wasm = exportsOf();
  // x, then dy, then dW; each start 16-byte aligned for the vector loads.
  const xAt = 0;
  const dyAt = align16(xAt + xLength * 4);
  const outAt = align16(dyAt + dyLength * 4);
  const needed = outAt + outLength * 4;
  const have = wasm.memory.buffer.byteLength;
  if (needed > have) wasm.memory.grow(Math.ceil((needed - have) / PAGE_BYTES));
  const heap = new Float32Array(wasm.memory.buffer);
  heap.set(x.subarray(0, xLength), xAt / 4);
  heap.set(dy.subarray(0, dyLength), dyAt / 4);
  heap.fill(0, outAt / 4, outAt / 4 + outLength);
  wasm.filterGradC1(xAt, dyAt, outAt, s.batch, s.inHeight, s.inWidth, s.filterHeight, s.filterWidth, s.outChannels);
  out.set(heap.subarray(outAt / 4, outAt / 4 + outLength));
}

const align16 = (n: number): number => Math.ceil(n / 16) * 16;
