// What both twins share: allocation bookkeeping, scopes (the step arena) and argument checks.
// A subclass supplies raw storage (allocRaw/freeRaw/viewRaw) and the kernels.

import { KernelArgumentError, type Buf, type DType } from './backend.js';
import { HeapError } from './backend.js';

/** Storage common to both twins. `base` is the owning allocation (itself when not a slice). */
export interface RawBuf extends Buf {
  readonly offset: number; // in elements, from the start of `base`
  readonly base: RawBuf;
  freed: boolean;
}

/** Largest single allocation in bytes, on both twins: a wasm32 Layout must fit isize::MAX
 *  (2^31 − 1), rounded down to the 16-byte alignment (ts/model/limits.ts's BUFFER_LIMIT_BYTES). */
export const MAX_ALLOC_BYTES = 2 ** 31 - 16;

export abstract class BaseBackend {
  private scopes: Set<RawBuf>[] = [];

  /** Storage for `length` elements; zero-filled when `zero`, else whatever the memory held. */
  protected abstract allocRaw(length: number, dtype: DType, zero: boolean): RawBuf;
  protected abstract freeRaw(buf: RawBuf): void;
  abstract view(buf: Buf): Float32Array | Int32Array;

  alloc(length: number, dtype: DType = 'f32'): Buf {
    return this.track(this.allocRaw(this.checkAlloc('alloc', length, dtype), dtype, true));
  }

  /** As alloc, but the contents are unspecified (the js twin fills them with NaN so a kernel that
   *  reads them shows it): for outputs a kernel overwrites completely. Zero-filling every
   *  activation was a memset of ~60 MB per baby-GPT training step. See tensor/alloc.ts. */
  allocUninit(length: number, dtype: DType = 'f32'): Buf {
    return this.track(this.allocRaw(this.checkAlloc('allocUninit', length, dtype), dtype, false));
  }

  private checkAlloc(where: string, length: number, dtype: DType): number {
    if (!Number.isInteger(length) || length < 0) {
      throw new KernelArgumentError(`${where}: length must be a non-negative integer, got ${length}`);
    }
    if (dtype !== 'f32' && dtype !== 'i32') throw new KernelArgumentError(`${where}: unknown dtype ${String(dtype)}`);
    // in bytes, as a double: the wasm export takes a u32, and 2^30 + 4 floats would wrap to 16
    // bytes and alias live buffers; both twins refuse the same sizes
    if (length * 4 > MAX_ALLOC_BYTES) {
      throw new HeapError(`${where}: ${length} ${dtype} values need ${length * 4} bytes, over the ${MAX_ALLOC_BYTES}-byte limit of one ` +
        'wasm32 allocation (2 GiB); use a smaller model, batch or block size');
    }
    return length;
  }

  private track(buf: RawBuf): RawBuf {
    this.scopes[this.scopes.length - 1]?.add(buf);
    return buf;
  }

  free(buf: Buf): void {
    const b = buf as RawBuf;
    if (b.base !== b) throw new KernelArgumentError('free: cannot free a slice; free its parent');
    if (b.freed) throw new KernelArgumentError('free: buffer was already freed');
    b.freed = true;
    for (const s of this.scopes) s.delete(b);
    this.freeRaw(b);
  }

  slice(buf: Buf, offset: number, length: number): Buf {
    const b = this.live(buf, 'slice');
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > b.length) {
      throw new KernelArgumentError(`slice: [${offset}, ${offset + length}) is outside a buffer of ${b.length}`);
    }
    return { dtype: b.dtype, length, offset: b.offset + offset, base: b.base, get freed() { return b.base.freed; } } as RawBuf;
  }

  write(buf: Buf, data: ArrayLike<number>, offset = 0): void {
    const b = this.live(buf, 'write');
    if (offset < 0 || offset + data.length > b.length) {
      throw new KernelArgumentError(`write: ${data.length} values at ${offset} do not fit a buffer of ${b.length}`);
    }
    this.view(b).set(data, offset);
  }

  read(buf: Buf): Float32Array | Int32Array {
    return this.view(this.live(buf, 'read')).slice();
  }

  scope<T>(fn: () => T): T {
    const s = new Set<RawBuf>();
    this.scopes.push(s);
    try {
      return fn();
    } finally {
      this.scopes.pop();
      for (const b of s) if (!b.freed) this.free(b);
    }
  }

  keep<B extends Buf>(buf: B): B {
    for (const s of this.scopes) s.delete(buf as unknown as RawBuf);
    return buf;
  }

  /** Checks that buf is a live buffer of this backend. */
  protected live(buf: Buf, where: string): RawBuf {
    const b = buf as RawBuf;
    if (!b || typeof b !== 'object' || !('base' in b)) throw new KernelArgumentError(`${where}: not a buffer: ${String(buf)}`);
    if (b.freed) throw new KernelArgumentError(`${where}: buffer was freed`);
    return b;
  }

  /** Checks a kernel argument: live, right dtype, at least `need` elements. */
  protected arg(kernel: string, name: string, buf: Buf, need: number, dtype: DType = 'f32'): RawBuf {
    const b = buf as RawBuf;
    // the common case without building live()'s message (hundreds of calls per training step)
    if (!b || typeof b !== 'object' || !('base' in b) || b.freed) this.live(buf, `${kernel}(${name})`);
    if (b.dtype !== dtype) throw new KernelArgumentError(`${kernel}: ${name} must be ${dtype}, got ${b.dtype}`);
    if (b.length < need) throw new KernelArgumentError(`${kernel}: ${name} has ${b.length} elements, needs ${need}`);
    return b;
  }

  /** Checks that dims are non-negative integers (positive where `positive`). */
  protected dims(kernel: string, dims: Record<string, number>, positive = false): void {
    for (const k in dims) {
      const v = dims[k];
      if (!Number.isInteger(v) || v < 0 || (positive && v === 0)) {
        throw new KernelArgumentError(`${kernel}: ${k} must be a ${positive ? 'positive' : 'non-negative'} integer, got ${v}`);
      }
    }
  }

  protected heads(kernel: string, C: number, H: number): void {
    if (C % H !== 0) throw new KernelArgumentError(`${kernel}: C=${C} is not divisible by H=${H}`);
  }

  protected ids(kernel: string, ids: Int32Array, V: number): void {
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= V) throw new KernelArgumentError(`${kernel}: id ${ids[i]} at position ${i} is outside the vocabulary [0, ${V})`);
    }
  }
}
