// A scalar head on the GPT's final hidden state: HF's GPT2ForSequenceClassification `score`
// (weight [1, C], no bias) for the reward model, TRL's ValueHead (`v_head`, with a bias) for
// PPO's values. Its own ParameterStore, so the backbone's checkpoint stays a plain GPT-2 file and
// the head is saved beside it.

import type { Backend } from '../backend/backend.js';
import { readSafetensors, writeSafetensors } from '../io/safetensors.js';
import { add, linearT } from '../tensor/ops.js';
import { ParameterStore } from '../tensor/params.js';
import { Rng } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { AlignError } from './errors.js';

export class ScalarHead {
  readonly params: ParameterStore;

  /** `name` prefixes the tensors ("score" → score.weight). Weights ~ N(0, std) (HF: 0.02). */
  constructor(readonly backend: Backend, readonly nEmbd: number,
    readonly opts: { name?: string; bias?: boolean; seed?: number; std?: number } = {}) {
    const name = opts.name ?? 'score';
    this.params = new ParameterStore(backend, [
      { name: `${name}.weight`, shape: [1, nEmbd] },
      ...(opts.bias ? [{ name: `${name}.bias`, shape: [1] }] : []),
    ]);
    const w = new Rng(opts.seed ?? 4242).normal(new Float32Array(nEmbd), 0, opts.std ?? 0.02);
    backend.write(this.params.get(`${name}.weight`).data, w);
  }

  get name(): string { return this.opts.name ?? 'score'; }

  /** hidden [..., C] → [..., 1]. */
  forward(hidden: Tensor): Tensor {
    const y = linearT(hidden, this.params.get(`${this.name}.weight`)); // (..., 1)
    if (!this.opts.bias) return y;
    // a [1] bias broadcast over rows: as a [N, 1] · [1, 1] product with ones it stays one kernel
    const N = y.size, ones = Tensor.from(this.backend, new Float32Array(N).fill(1), y.shape);
    return add(y, linearT(ones, reshapeBias(this.params.get(`${this.name}.bias`))));
  }

  zeroGrad(): void { this.params.zeroGrad(); }

  /** The head's tensors as safetensors bytes. */
  save(metadata: Record<string, string> = {}): Uint8Array {
    return writeSafetensors(this.params.named().map(([n, t]) => [n, { shape: t.shape, data: this.backend.read(t.data) as Float32Array }]), { kind: 'glassgpt-head', ...metadata });
  }

  /** Loads tensors written by save() (same name and width). */
  load(bytes: Uint8Array): void {
    const f = readSafetensors(bytes);
    for (const [n, t] of this.params.named()) {
      const s = f.tensors.get(n);
      if (!s) throw new AlignError(`head file: missing tensor "${n}" (it has ${[...f.tensors.keys()].join(', ') || 'none'})`);
      if (s.shape.join() !== t.shape.join()) throw new AlignError(`head file: "${n}" has shape [${s.shape}], the model needs [${t.shape}]`);
      this.backend.write(t.data, s.data);
    }
  }

  free(): void { this.params.free(); }
}

// the bias [1] viewed as a [1, 1] weight for linearT (shares the buffer and its gradient)
function reshapeBias(b: Tensor): Tensor {
  return new Tensor(b.backend, b.data, [1, 1], { requiresGrad: true, grad: b.ensureGrad() });
}
