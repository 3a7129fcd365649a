// The wasm twin: every Buf is a range of the module's linear memory, allocated by the Rust side's
// allocator (exports alloc/dealloc). Kernels receive byte addresses, so nothing is copied per op;
// views are re-made whenever memory.buffer changes (it is replaced when the memory grows).

import type { Buf, DType } from '../backend.js';
import type { RawBuf } from '../base.js';
import { KernelBackend, type Kernels } from '../kernels.js';
import { compileKernels, WasmLoadError, type WasmSource, type WasmVariant } from './loader.js';
import { instantiateShared, ThreadPool, type ThreadExports } from './threads.js';
import { PART_NAMES, splitKernels } from './split-kernels.js';
import { cores } from './thread-choice.js';
import { SPIN, SPIN_OVERSUBSCRIBED } from './worker-source.js';

interface WasmBuf extends RawBuf { ptr: number }

interface Exports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  /** alloc without the zero-fill. */
  alloc_uninit(bytes: number): number;
  dealloc(ptr: number, bytes: number): void;
  [kernel: string]: unknown;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export class WasmBackend extends KernelBackend<number> {
  readonly name = 'wasm' as const;
  protected readonly k: Kernels<number>;
  private f32 = new Float32Array(0);
  private i32 = new Int32Array(0);

  /** Threads the kernels run on: 1, or the pool's size (the calling thread included); 1 after dispose. */
  get threads(): number { return this.pool?.size ?? 1; }
  /** Why fewer threads run than were asked for (e.g. a page without cross-origin isolation), or null. */
  threadsNotice: string | null = null;

  constructor(private readonly exports: Exports, readonly variant: WasmVariant, private pool: ThreadPool | null = null,
    splitScale = 1) {
    super();
    // One table entry per kernel; the twin names are camelCase, the exports snake_case.
    const k: Record<string, unknown> = {};
    for (const name of KERNEL_NAMES) {
      const fn = exports[snake(name)];
      if (typeof fn !== 'function') throw new WasmLoadError(`the kernels module lacks the export ${snake(name)}; rebuild it (npm run build:wasm)`);
      k[name] = fn;
    }
    if (pool) splitKernels(k, pool, splitScale);
    this.k = k as unknown as Kernels<number>;
  }

  /** Ends the worker threads (none in the single-thread builds); later calls run on the calling
   *  thread alone, with the same bits. A Node process never waits for
   *  them (they are unref'd), but their memory and the pool's are held until this is called. */
  dispose(): void {
    this.pool?.dispose();
  }

  protected allocRaw(length: number, dtype: DType, zero: boolean): RawBuf {
    const bytes = Math.max(16, length * 4);
    const ptr = zero ? this.exports.alloc(bytes) : this.exports.alloc_uninit(bytes);
    if (ptr === 0) {
      throw new RangeError(`wasm heap: cannot allocate ${bytes} bytes with ${this.heapBytes()} bytes already in use ` +
        '(a wasm32 heap holds at most 4 GiB): use a smaller model, batch or block size, or free models you no longer need');
    }
    const b = { dtype, length, offset: 0, freed: false, ptr } as WasmBuf;
    (b as { base: RawBuf }).base = b;
    return b;
  }
  protected freeRaw(buf: RawBuf): void {
    this.exports.dealloc((buf as WasmBuf).ptr, Math.max(16, buf.length * 4));
  }

  view(buf: Buf): Float32Array | Int32Array {
    const b = this.live(buf, 'view');
    const mem = this.exports.memory.buffer;
    if (this.f32.buffer !== mem) { this.f32 = new Float32Array(mem); this.i32 = new Int32Array(mem); }
    const start = ((b.base as WasmBuf).ptr >>> 2) + b.offset;
    return (b.dtype === 'f32' ? this.f32 : this.i32).subarray(start, start + b.length);
  }
  protected h(buf: Buf): number {
    const b = buf as RawBuf;
    return (b.base as WasmBuf).ptr + b.offset * 4;
  }
  heapBytes(): number { return this.exports.memory.buffer.byteLength; }
  protected packedLength(k: number, n: number): number { return (this.exports.matmul_packed_len as (k: number, n: number) => number)(k, n); }
}

const KERNEL_NAMES = ['matmul', 'sumRows', 'toBf16', 'matvecBf16', 'packMatrix', 'matmulPacked', 'attentionForward', 'attentionBackward', 'kvCacheWrite',
  'attentionDecode', 'layernormForward', 'layernormBackward', 'geluForward', 'geluBackward',
  'softmaxForward', 'logSoftmaxForward', 'crossEntropyForward', 'crossEntropyBackward',
  'embeddingForward', 'embeddingBackward', 'adamw', 'add', 'axpy', 'mul', 'mulAccumulate', 'scale',
  'copy', 'fill', 'dropoutForward', 'sumSquares'] as const satisfies readonly (keyof Kernels<number>)[];

export interface WasmThreadOptions {
  /** Threads for the `threads` variant (the calling thread included); default 1. */
  threads?: number;
  /** Scales every split threshold (split-kernels.ts); tests pass 0 to split every call. */
  splitScale?: number;
}

/** Instantiates the kernels (each call gets its own memory) and wraps them as a Backend. */
export async function createWasmBackend(source?: WasmSource, variant: WasmVariant = 'simd', opts: WasmThreadOptions = {}): Promise<WasmBackend> {
  const module = await compileKernels(source, variant);
  if (variant === 'threads') return createThreaded(module, opts);
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module, {});
  } catch (e) {
    throw new WasmLoadError(`the kernels module could not be instantiated: ${(e as Error).message}`);
  }
  const ex = instance.exports as unknown as Exports;
  if (!(ex.memory instanceof WebAssembly.Memory) || typeof ex.alloc !== 'function' || typeof ex.alloc_uninit !== 'function') {
    throw new WasmLoadError('the given module is not the glassgpt kernels (no memory/alloc exports)');
  }
  return new WasmBackend(ex, variant);
}

/** The threads build: a shared memory, instantiated here, and a pool of threads − 1 workers. */
async function createThreaded(module: WebAssembly.Module, opts: WasmThreadOptions): Promise<WasmBackend> {
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a whole number ≥ 1, got ${threads}`);
  let ex: ThreadExports;
  try {
    ex = instantiateShared(module);
  } catch (e) {
    throw new WasmLoadError(`the threads kernels could not be instantiated: ${(e as Error).message}`);
  }
  // spin before sleeping only when every thread can have a core (worker-source.ts)
  const spin = threads <= await cores() ? SPIN : SPIN_OVERSUBSCRIBED;
  const pool = threads > 1 ? await ThreadPool.start(module, ex, threads, PART_NAMES, spin) : null;
  return new WasmBackend(ex as unknown as Exports, 'threads', pool, opts.splitScale);
}
