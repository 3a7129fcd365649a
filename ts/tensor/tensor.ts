// Tensor: a shape plus a Buf owned by a backend, and the reverse-mode autograd graph (micrograd's
// Value, over buffers). Each op records its inputs and a backward closure; `backward()` walks the
// graph in reverse topological order. Autograd never knows which kernels are beneath (burn).
//
// Memory: a Tensor does not own its Buf in any special way. Everything a step allocates
// (activations, intermediate gradients, temporaries) is allocated inside the caller's
// `backend.scope()` and freed when it ends; parameters live outside any scope (ParameterStore).

import type { Backend, Buf } from '../backend/backend.js';
import { GradError, ShapeError, fmtShape } from './errors.js';

let gradEnabled = true;

/** Runs `fn` without recording the graph (PyTorch's torch.no_grad()); nests and restores. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

function checkShape(shape: readonly number[], where: string): number {
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${where}: bad shape ${fmtShape(shape)}`);
    size *= d;
  }
  return size;
}

const NO_INPUTS: readonly Tensor[] = Object.freeze([]);

export class Tensor {
  readonly shape: readonly number[];
  readonly size: number;
  /** Gradient of the same length as data (zero-filled when first needed); null until then.
   *  An op output's gradient is an intermediate, as in PyTorch: add and reshape hand its
   *  buffer on to an input instead of copying it, after which it reads null here. */
  grad: Buf | null = null;
  /** Leaves set this themselves; op outputs inherit it from their inputs while grad is on. */
  requiresGrad: boolean;
  /** A name for messages and the parameter registry ("h.0.attn.c_attn.weight"). */
  name: string | undefined;

  /** @internal inputs of the op that produced this tensor (empty for leaves). */
  _prev: readonly Tensor[] = NO_INPUTS;
  /** @internal accumulates this.grad into the inputs' grads; null for leaves. */
  _backward: (() => void) | null = null;
  private graphUsed = false;

  constructor(readonly backend: Backend, readonly data: Buf, shape: readonly number[],
    opts: { requiresGrad?: boolean; grad?: Buf; name?: string } = {}) {
    this.size = checkShape(shape, 'Tensor');
    if (data.length !== this.size) {
      throw new ShapeError(`Tensor: shape ${fmtShape(shape)} needs ${this.size} elements, the buffer has ${data.length}`);
    }
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = opts.requiresGrad ?? false;
    this.name = opts.name;
    if (opts.grad) {
      if (opts.grad.length !== this.size) throw new ShapeError(`Tensor: grad has ${opts.grad.length} elements, expected ${this.size}`);
      this.grad = opts.grad;
    }
  }

  get dtype(): 'f32' | 'i32' {
    return this.data.dtype;
  }

  /** A zero-filled f32 tensor allocated in the current scope. */
  static zeros(backend: Backend, shape: readonly number[], opts: { requiresGrad?: boolean } = {}): Tensor {
    return new Tensor(backend, backend.alloc(checkShape(shape, 'Tensor.zeros'), 'f32'), shape, opts);
  }

  /** An f32 tensor whose values are unspecified until a kernel writes them: the output of an op
   *  whose kernel overwrites every element (backend.allocUninit: skipping the zero-fill matters,
   *  it was a memset of every activation of a training step). Allocated in the current scope. */
  static empty(backend: Backend, shape: readonly number[]): Tensor {
    return new Tensor(backend, backend.allocUninit(checkShape(shape, 'Tensor.empty')), shape);
  }

  /** An f32 tensor holding `values` (length must match the shape). */
  static from(backend: Backend, values: ArrayLike<number>, shape: readonly number[], opts: { requiresGrad?: boolean } = {}): Tensor {
    const size = checkShape(shape, 'Tensor.from');
    if (values.length !== size) throw new ShapeError(`Tensor.from: ${values.length} values do not fill shape ${fmtShape(shape)}`);
    const t = new Tensor(backend, backend.allocUninit(size), shape, opts);
    backend.write(t.data, values);
    return t;
  }

  /** An i32 tensor (token ids, targets); never requires grad. */
  static ints(backend: Backend, values: ArrayLike<number>, shape: readonly number[]): Tensor {
    const size = checkShape(shape, 'Tensor.ints');
    if (values.length !== size) throw new ShapeError(`Tensor.ints: ${values.length} values do not fill shape ${fmtShape(shape)}`);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isInteger(values[i])) throw new ShapeError(`Tensor.ints: value ${values[i]} at ${i} is not an integer`);
    }
    const t = new Tensor(backend, backend.allocUninit(size, 'i32'), shape);
    backend.write(t.data, values);
    return t;
  }

  /** A copy of the values. */
  toArray(): Float32Array | Int32Array {
    return this.backend.read(this.data);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`item: tensor of shape ${fmtShape(this.shape)} has ${this.size} elements, expected 1`);
    return this.backend.read(this.data)[0];
  }

  /** A copy of the gradient, or null when none was computed. */
  gradArray(): Float32Array | null {
    return this.grad ? (this.backend.read(this.grad) as Float32Array) : null;
  }

  /** The gradient buffer, allocated zero-filled (in the current scope) on first use. */
  ensureGrad(): Buf {
    if (!this.grad) {
      this.checkGradDtype();
      this.grad = this.backend.alloc(this.size, 'f32');
    }
    return this.grad;
  }

  /** For a gradient contribution a kernel can either write or add (matmul's accumulate flag, a
   *  copy instead of axpy): true when this is the first one, and then this.grad is a fresh
   *  UNINITIALISED buffer the caller must overwrite completely; false when it must add to
   *  this.grad. Writing g instead of adding it to zeros gives the same bits (0 + g = g), except
   *  that a −0 stays −0. */
  claimGrad(): boolean {
    if (this.grad) return false;
    this.checkGradDtype();
    this.grad = this.backend.allocUninit(this.size);
    return true;
  }

  /** claimGrad for a backward that can hand its output's gradient on whole (add, reshape): when
   *  this has no gradient yet, it takes `from`'s buffer (nothing reads an op output's gradient
   *  after its backward, reverse topological order) and from.grad becomes null; returns false
   *  when this must add to its gradient instead. */
  adoptGrad(from: Tensor): boolean {
    if (this.grad) return false;
    this.checkGradDtype();
    this.grad = from.grad;
    from.grad = null;
    return true;
  }

  private checkGradDtype(): void {
    if (this.dtype !== 'f32') throw new GradError(`${this.label()}: an ${this.dtype} tensor has no gradient`);
  }

  /** Reverse-mode autodiff from this one-element tensor: every tensor it depends on that
   *  requires grad gets ∂this/∂tensor ADDED to its grad (zero them between steps). The graph is
   *  released afterwards, so a second call throws, as PyTorch does without retain_graph. */
  backward(): void {
    if (this.size !== 1) throw new GradError(`backward: ${this.label()} has shape ${fmtShape(this.shape)}; only a one-element loss can start backward`);
    if (this.graphUsed) throw new GradError(`backward: the graph of ${this.label()} was already used by an earlier backward()`);
    if (!this.requiresGrad) throw new GradError(`backward: ${this.label()} does not require grad (computed under noGrad, or from nothing that requires grad)`);
    const order = topoSort(this);
    // A node whose closure an earlier backward() released would silently cut the gradient here
    // (PyTorch raises too): losses that share a graph must be summed and backpropagated once.
    const used = order.find((t) => t.graphUsed);
    if (used) throw new GradError(`backward: ${used.label()} belongs to a graph an earlier backward() already consumed; add the losses and call backward() once`);
    this.backend.fill(this.ensureGrad(), 1, 1); // d loss / d loss
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      if (t._backward && t.grad) t._backward();
    }
    for (const t of order) {
      t.graphUsed = t._backward !== null;
      t._backward = null;
      t._prev = NO_INPUTS;
    }
  }

  label(): string {
    return this.name ? `tensor "${this.name}"` : `tensor of shape ${fmtShape(this.shape)}`;
  }
}

/** Tensors reachable from `root` through requiresGrad inputs, inputs before consumers
 *  (iterative DFS: a deep model must not overflow the JS stack). */
function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    if (i < t._prev.length) {
      top[1]++;
      const p = t._prev[i];
      if (p.requiresGrad && !seen.has(p)) { seen.add(p); stack.push([p, 0]); }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

/** Makes `out` a graph node of `inputs` when grad is on and any input requires grad; returns
 *  `out`. The closure reads out.grad and accumulates into the inputs' grads. */
export function record(out: Tensor, inputs: readonly Tensor[], backward: () => void): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out._prev = inputs;
    out._backward = backward;
  }
  return out;
}

/** Checks that every tensor is on `backend` (ops never mix backends). */
export function sameBackend(op: string, ...ts: Tensor[]): Backend {
  const b = ts[0].backend;
  for (const t of ts) if (t.backend !== b) throw new ShapeError(`${op}: tensors live on different backends (${b.name}, ${t.backend.name})`);
  return b;
}
