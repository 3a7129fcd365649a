// The js twin: every buffer is its own typed array; the kernels are the readable references in
// this folder. Always available, in every runtime.

import type { Buf, DType } from '../backend.js';
import type { RawBuf } from '../base.js';
import { KernelBackend, type Kernels } from '../kernels.js';
import { matmul, matmulPacked, packMatrix, sumRows } from './matmul.js';
import { attentionForward, attentionBackward, kvCacheWrite, attentionDecode } from './attention.js';
import { layernormForward, layernormBackward } from './norm.js';
import { geluForward, geluBackward, softmaxForward, logSoftmaxForward } from './activation.js';
import { crossEntropyForward, crossEntropyBackward } from './loss.js';
import { embeddingForward, embeddingBackward } from './embedding.js';
import { adamw } from './optim.js';
import { matvecBf16, toBf16 } from './bf16.js';
import { add, axpy, mul, mulAccumulate, scale, copy, fill, dropoutForward, sumSquares } from './elementwise.js';

type Arr = Float32Array | Int32Array;
interface JsBuf extends RawBuf { data: Arr }

// The twins take Float32Array; ids/targets arrive as Int32Array views (checked by dtype).
// bf16 buffers are i32 Bufs holding two 16-bit values per element: the twins see them as such.
const u16 = (x: Int32Array) => new Uint16Array(x.buffer, x.byteOffset, 2 * x.length);

export const jsKernels = {
  toBf16: (dst: Int32Array, src: Float32Array, n: number) => toBf16(u16(dst), src, n),
  matvecBf16: (out: Float32Array, a: Float32Array, b: Int32Array, bias: Float32Array | null, m: number, k: number, n: number, transB: boolean, accumulate: boolean) =>
    matvecBf16(out, a, u16(b), bias, m, k, n, transB, accumulate),
  matmul, sumRows, packMatrix, matmulPacked, attentionForward, attentionBackward, kvCacheWrite, attentionDecode,
  layernormForward, layernormBackward, geluForward, geluBackward, softmaxForward,
  logSoftmaxForward, crossEntropyForward, crossEntropyBackward, embeddingForward,
  embeddingBackward, adamw, add, axpy, mul, mulAccumulate, scale, copy, fill, dropoutForward, sumSquares,
} satisfies Kernels<Arr>;

export class JsBackend extends KernelBackend<Arr> {
  readonly name = 'js' as const;
  readonly threads = 1;
  dispose(): void { /* no threads, nothing held outside the JS heap */ }
  protected readonly k = jsKernels;
  private liveBytes = 0;

  protected allocRaw(length: number, dtype: DType, zero: boolean): RawBuf {
    const data = dtype === 'f32' ? new Float32Array(length) : new Int32Array(length);
    // uninitialised memory, made visible: NaN (or a huge id) propagates into any result that
    // read it, so the twin tests catch a kernel or op that relies on an output being zeroed
    if (!zero) data.fill(dtype === 'f32' ? NaN : 0x7fffffff);
    const b = { dtype, length, offset: 0, freed: false, data } as JsBuf;
    (b as { base: RawBuf }).base = b;
    this.liveBytes += length * 4;
    return b;
  }
  protected freeRaw(buf: RawBuf): void { this.liveBytes -= buf.length * 4; }

  view(buf: Buf): Arr {
    const b = this.live(buf, 'view');
    const data = (b.base as JsBuf).data;
    return b.base === b ? data : data.subarray(b.offset, b.offset + b.length);
  }
  protected h(buf: Buf): Arr { return this.view(buf); }
  heapBytes(): number { return this.liveBytes; }
  protected packedLength(k: number, n: number): number { return k * n; }
}
