/**
 * The project's hand-written WebAssembly SIMD kernels (simd/kernels.wat), instantiated on the wasm
 * backend's own memory so they read and write tensors where they lie: no copies in or out. The
 * threaded backend's memory is shared and the single-threaded one's is not; each gets the module
 * variant that imports its kind. The kernels run on the calling thread.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { SHARED_MEMORY_WASM_BASE64, UNSHARED_MEMORY_WASM_BASE64 } from './simd/kernels.wasm';

export interface FilterGradC1Shape {
  batch: number;
  inHeight: number;
  inWidth: number;
  filterHeight: number;
  filterWidth: number;
  outChannels: number;
}

export interface PoolGrad2x2Shape {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  /** Windows down and across: 2·outHeight ≤ inHeight, 2·outWidth ≤ inWidth. */
  outHeight: number;
  outWidth: number;
}

interface Exports {
  filterGradC1(
    x: number,
    dy: number,
    dw: number,
    b: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    o: number,
  ): void;
  maxPoolGrad2x2(
    x: number,
    dy: number,
    dx: number,
    b: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
  ): void;
}

const FILTER_GRAD_GROUP = 16;
const POOL_GROUP = 4;
const byMemory = new WeakMap<WebAssembly.Memory, SimdKernels>();

export class SimdKernels {
  private readonly exports: Exports;

  /** The kernels on `memory` (compiled synchronously: under 1 KB, once per memory). */
  constructor(private readonly memory: WebAssembly.Memory) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Buffer.from(shared ? SHARED_MEMORY_WASM_BASE64 : UNSHARED_MEMORY_WASM_BASE64, 'base64');
    this.exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
      .exports as unknown as Exports;
  }

  /** The kernels on a wasm backend's memory. */
  static of(backend: BackendWasm): SimdKernels {
    const memory = backendMemory(backend);
    let kernels = byMemory.get(memory);
    if (!kernels) byMemory.set(memory, (kernels = new SimdKernels(memory)));
    return kernels;
  }

  /**
   * Whether filterGradC1 takes this shape. That the convolution has one input channel, stride 1
   * and no padding is the caller's to check.
   */
  static filterGradC1Fits(s: FilterGradC1Shape): boolean {
    return (
      s.batch >= 1 &&
      s.filterHeight >= 1 &&
      s.filterWidth >= 1 &&
      s.inHeight >= s.filterHeight &&
      s.inWidth >= s.filterWidth &&
      s.outChannels >= FILTER_GRAD_GROUP &&
      s.outChannels % FILTER_GRAD_GROUP === 0
    );
  }

  /**
   * dW [kh, kw, 1, o] of a one-channel, stride-1, valid convolution of x [batch, h, w, 1] with
   * dy [batch, h-kh+1, w-kw+1, o] gradients; every array a view on this memory.
   */
  filterGradC1(x: Float32Array, dy: Float32Array, dw: Float32Array, s: FilterGradC1Shape): void {
    if (!SimdKernels.filterGradC1Fits(s)) throw new RangeError('filterGradC1: shape not supported');
    const outH = s.inHeight - s.filterHeight + 1;
    const outW = s.inWidth - s.filterWidth + 1;
    this.check('filterGradC1', [
      [x, s.batch * s.inHeight * s.inWidth],
      [dy, s.batch * outH * outW * s.outChannels],
      [dw, s.filterHeight * s.filterWidth * s.outChannels],
    ]);
    dw.fill(0); // the kernel adds to it
    this.exports.filterGradC1(
      x.byteOffset,
      dy.byteOffset,
      dw.byteOffset,
      s.batch,
      s.inHeight,
      s.inWidth,
      s.filterHeight,
      s.filterWidth,
      s.outChannels,
    );
  }

  static poolGrad2x2Fits(s: PoolGrad2x2Shape): boolean {
    return (
      s.batch >= 1 &&
      s.outHeight >= 1 &&
      s.outWidth >= 1 &&
      2 * s.outHeight <= s.inHeight &&
      2 * s.outWidth <= s.inWidth &&
      s.channels >= POOL_GROUP &&
      s.channels % POOL_GROUP === 0
    );
  }

  /**
   * dx [batch, h, w, c] of a 2×2, stride-2, unpadded max pool of x with gradients dy
   * [batch, outHeight, outWidth, c]: each window's dy to its first maximum in row-major order (the cpu
   * backend's rule for ties), 0 elsewhere. Every array a view on this memory.
   */
  maxPoolGrad2x2(x: Float32Array, dy: Float32Array, dx: Float32Array, s: PoolGrad2x2Shape): void {
    if (!SimdKernels.poolGrad2x2Fits(s)) throw new RangeError('maxPoolGrad2x2: shape not supported');
    const { outHeight: outH, outWidth: outW } = s;
    const inputs = s.batch * s.inHeight * s.inWidth * s.channels;
    this.check('maxPoolGrad2x2', [
      [x, inputs],
      [dy, s.batch * outH * outW * s.channels],
      [dx, inputs],
    ]);
    // Rows or columns outside every window (an odd height or width) the kernel does not write.
    if (outH * 2 !== s.inHeight || outW * 2 !== s.inWidth) dx.fill(0);
    this.exports.maxPoolGrad2x2(
      x.byteOffset,
      dy.byteOffset,
      dx.byteOffset,
      s.batch,
      s.inHeight,
      s.inWidth,
      s.channels,
      outH,
      outW,
    );
  }

  /** Each array must lie on this memory, 4-byte aligned, and be as long as its shape says. */
  private check(kernel: string, arrays: Array<[Float32Array, number]>): void {
    for (const [a, length] of arrays) {
      if (a.buffer !== this.memory.buffer) throw new Error(`${kernel}: an array is not on the kernels' memory`);
      if (a.length < length) throw new RangeError(`${kernel}: an array is shorter than its shape`);
    }
  }
}

function backendMemory(backend: BackendWasm): WebAssembly.Memory {
  // The threaded build keeps its (shared) memory on the module; the single-threaded one exports it.
  const wasm = backend.wasm as unknown as { wasmMemory?: unknown; asm?: { memory?: unknown } };
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('the wasm backend does not expose its memory');
  return memory;
}
