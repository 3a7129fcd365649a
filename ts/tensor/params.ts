// The parameter registry: named parameters in ONE contiguous data buffer and ONE contiguous
// gradient buffer, each parameter a slice of both (llm.c's params_memory / grads_memory). One
// buffer lets an optimizer update everything in one kernel call, gradient clipping take one
// sumSquares, and zeroGrad be one fill. Slices start at multiples of 4 floats (16 bytes) so a
// SIMD kernel may load them aligned; the padding between slices is zero and stays zero.

import type { Backend, Buf } from '../backend/backend.js';
import { ShapeError, fmtShape } from './errors.js';
import { Tensor } from './tensor.js';

export interface ParamSpec {
  name: string;
  shape: readonly number[];
}

const ALIGN = 4; // floats

export class ParameterStore {
  /** All parameter values, [total]; slices of it are the parameters. */
  readonly data: Buf;
  /** All gradients, [total], same offsets as data. */
  readonly grad: Buf;
  /** Elements in data/grad, padding included. */
  readonly total: number;
  private readonly byName = new Map<string, Tensor>();
  private readonly offsets = new Map<string, number>();
  private freed = false;

  constructor(readonly backend: Backend, specs: readonly ParamSpec[]) {
    let total = 0;
    const layout: [ParamSpec, number, number][] = [];
    for (const s of specs) {
      if (this.offsets.has(s.name)) throw new ShapeError(`ParameterStore: duplicate parameter name "${s.name}"`);
      const size = s.shape.reduce((a, d) => a * d, 1);
      if (!s.shape.every((d) => Number.isInteger(d) && d > 0)) throw new ShapeError(`ParameterStore: "${s.name}" has bad shape ${fmtShape(s.shape)}`);
      this.offsets.set(s.name, total);
      layout.push([s, total, size]);
      total += Math.ceil(size / ALIGN) * ALIGN;
    }
    this.total = total;
    // Parameters outlive every step: keep them out of any scope the caller may be inside.
    this.data = backend.keep(backend.alloc(total, 'f32'));
    this.grad = backend.keep(backend.alloc(total, 'f32'));
    for (const [s, off, size] of layout) {
      this.byName.set(s.name, new Tensor(backend, backend.slice(this.data, off, size), s.shape, {
        requiresGrad: true, grad: backend.slice(this.grad, off, size), name: s.name,
      }));
    }
  }

  /** The parameter called `name`; throws naming it when there is none. */
  get(name: string): Tensor {
    const t = this.byName.get(name);
    if (!t) throw new ShapeError(`ParameterStore: no parameter named "${name}"`);
    return t;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** [name, tensor] in registration order (the GPT-2 order for a GPT). */
  named(): [string, Tensor][] {
    return [...this.byName.entries()];
  }

  /** Element offset of a parameter inside data/grad (for optimizers working per tensor). */
  offsetOf(name: string): number {
    this.get(name);
    return this.offsets.get(name)!;
  }

  /** Number of parameter values (padding excluded). */
  count(): number {
    let n = 0;
    for (const t of this.byName.values()) n += t.size;
    return n;
  }

  /** Sets every gradient to zero (one kernel call over the whole gradient buffer). */
  zeroGrad(): void {
    this.backend.fill(this.grad, 0, this.total);
  }

  /** Releases both buffers; the parameters must not be used afterwards. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.backend.free(this.data);
    this.backend.free(this.grad);
  }
}
