// The GPT of GPT-2, read as nanoGPT's model.py: token + position embeddings, pre-LN blocks
// (ln_1 → causal self-attention → residual, ln_2 → 4× GELU MLP → residual), ln_f, and the LM head
// tied to wte. Parameters live in one ParameterStore (one contiguous buffer, GPT-2 names).
//
// One deviation from nanoGPT: dropout on the attention probabilities (attn_dropout) is not
// applied, because the fused attention kernel has no mask for it; embedding and residual dropout
// are. With dropout 0 (the default, and every pre-training run of a small model) this changes
// nothing.

import type { Backend, Buf } from '../backend/backend.js';
import { Tensor, isGradEnabled } from '../tensor/tensor.js';
import { ShapeError } from '../tensor/errors.js';
import { add, attention, dropout, embedding, gelu, layernorm, linear, linearT } from '../tensor/ops.js';
import { crossEntropy, IGNORE_INDEX } from '../tensor/loss.js';
import { ParameterStore } from '../tensor/params.js';
import { makeConfig, parameterSpecs, type GPTConfig } from './config.js';
import { initGPT2 } from './init.js';
import { HalfWeights, type WeightDtype } from './half.js';

/** Token ids: an i32 Tensor [B, T] or rows of numbers (B rows of equal length T). */
export type TokenBatch = Tensor | readonly (readonly number[])[];

export interface GPTOutput {
  /** [B, T, vocabSize], every position (nanoGPT keeps only the last one at inference). */
  logits: Tensor;
  /** Mean cross-entropy over non-ignored targets, shape [1]; null without targets. */
  loss: Tensor | null;
  /** Per layer, the attention probabilities [B, nHead, T, T]. */
  att: Tensor[];
  /** The final hidden state [B, T, C] (after ln_f, before the LM head): what reward and value
   *  heads read. */
  hidden: Tensor;
  /** The residual stream [B, T, C] before the first block and after each block (nLayer + 1,
   *  before ln_f): what the logit lens reads. Kept anyway for backward, so free to return. */
  residuals: Tensor[];
}

/** Per-layer K and V of the tokens decoded so far, [B, nHead, maxT, headSize] each (the layout of
 *  the kvCacheWrite / attentionDecode kernels); ts/generate/kv-cache.ts owns them. */
export interface KVCacheBuffers {
  readonly k: readonly Buf[];
  readonly v: readonly Buf[];
  readonly maxT: number;
}

/** What GPT.decode returns: the next-token logits of each sequence and the attention maps. */
export interface DecodeOutput {
  /** [B, 1, vocabSize]: the last position's logits only. */
  logits: Tensor;
  /** Per layer: [B, nHead, T, T] for a prefill, [B, nHead, 1, pos + 1] for one token. */
  att: Tensor[];
}

interface CacheAt { cache: KVCacheBuffers; pos: number }

export class GPT {
  readonly config: GPTConfig;
  readonly params: ParameterStore;
  /** nanoGPT's module.train()/eval(): dropout is active only while training. */
  training = true;
  /** Where the dropout masks come from: mask i is drawn from seed + i·φ (a Weyl sequence).
   *  Training checkpoints save it, so a resumed run draws the masks an uninterrupted one would. */
  dropoutState = { seed: 0, calls: 0 };


  /** A freshly initialised GPT (GPT-2 init from `seed`). `init: false` leaves the weights zero
   *  for a loader that overwrites them all (GPT-2 small's init takes ~20 s of the load). */
  constructor(readonly backend: Backend, config: Partial<GPTConfig> = {}, opts: { seed?: number; init?: boolean } = {}) {
    this.config = makeConfig(config);
    const seed = opts.seed ?? 1337;
    this.params = new ParameterStore(backend, parameterSpecs(this.config));
    if (opts.init !== false) initGPT2(this.params, this.config, seed);
    this.dropoutState.seed = (seed ^ 0x5bd1e995) >>> 0;
  }

  /** bf16 copies of the matrix weights that inference reads (half.ts), or null. */
  private half: HalfWeights | null = null;

  /** 'bf16' makes bf16 copies of every matrix weight (c_attn, c_proj, c_fc, the tied head) that
   *  decoding then reads instead of the f32 ones: half the bytes per token. A snapshot, like
   *  packMatrix: after changing the weights (training), call it again. 'f32' drops the copies. */
  setWeightDtype(dtype: WeightDtype): void {
    if (dtype !== 'f32' && dtype !== 'bf16') throw new RangeError(`GPT.setWeightDtype: dtype must be "f32" or "bf16", got ${JSON.stringify(dtype)}`);
    this.half?.free();
    this.half = null;
    if (dtype === 'f32') return;
    const mats = this.namedParameters().filter(([n]) => /\.(c_attn|c_proj|c_fc)\.weight$/.test(n)).map(([n, t]): [string, Tensor, boolean] => [n, t, false]);
    this.half = new HalfWeights(this.backend, [...mats, ['wte.weight', this.p('wte.weight'), true]]);
  }

  get weightDtype(): WeightDtype { return this.half ? 'bf16' : 'f32'; }

  train(): this { this.training = true; return this; }
  eval(): this { this.training = false; return this; }

  /** The parameter called `name` (GPT-2 name, e.g. "h.0.attn.c_attn.weight"). */
  p(name: string): Tensor {
    return this.params.get(name);
  }

  namedParameters(): [string, Tensor][] {
    return this.params.named();
  }

  /** Parameter count; nanoGPT's get_num_params subtracts wpe (and the tied head is wte). */
  numParams(nonEmbedding = true): number {
    return this.params.count() - (nonEmbedding ? this.p('wpe.weight').size : 0);
  }

  zeroGrad(): void {
    this.params.zeroGrad();
  }

  /** Releases the parameter buffers. */
  free(): void {
    this.half?.free();
    this.params.free();
  }

  /** Logits for ids [B, T] at every position; with targets [B, T] (ignore index −100) also the
   *  mean loss. Call inside backend.scope(): everything allocated here is a step's activation. */
  forward(ids: TokenBatch, targets?: TokenBatch): GPTOutput {
    const idx = this.batch(ids, 'ids', false);
    const [B, T] = idx.shape;
    const tgt = targets === undefined ? null : this.batch(targets, 'targets', true);
    if (tgt && (tgt.shape[0] !== B || tgt.shape[1] !== T)) {
      throw new ShapeError(`GPT.forward: targets [${tgt.shape.join(', ')}] do not match ids [${B}, ${T}]`);
    }
    const { hidden, att, residuals } = this.run(idx);
    const logits = this.head(hidden); // (B, T, V)
    const loss = tgt ? crossEntropy(logits, tgt, IGNORE_INDEX) : null;
    return { logits, loss, att, hidden, residuals };
  }

  /** Incremental decoding (HF's past_key_values, llm.c's inference loop), under noGrad: the K and
   *  V of `ids` [B, T] are written into `cache` at positions pos, pos+1, …, attention reads the
   *  cache, and only the last position's logits are computed. pos = 0 prefills a window of T
   *  tokens; after that, one token per sequence at a time (T = 1, pos = tokens cached so far). */
  decode(ids: TokenBatch, cache: KVCacheBuffers, pos: number): DecodeOutput {
    const { hidden, att } = this.run(this.batch(ids, 'ids', false), { cache, pos });
    return { logits: this.head(this.lastPositions(hidden)), att }; // (B, 1, V)
  }

  /** The final hidden state [B, T, C] after ln_f, without the LM head (InstructGPT's reward
   *  model puts a scalar head here instead), and the attention maps. */
  features(ids: TokenBatch): { hidden: Tensor; att: Tensor[]; residuals: Tensor[] } {
    return this.run(this.batch(ids, 'ids', false));
  }

  /** The LM head, tied to wte: x [B, T, C] → logits [B, T, V] (through wte's bf16 copy when set). */
  private head(x: Tensor): Tensor {
    return this.half?.linear('wte.weight', x, null) ?? linearT(x, this.p('wte.weight'));
  }

  /** The blocks on ids already checked against the vocabulary (idx [B, T], i32). */
  private run(idx: Tensor, kv?: CacheAt): { hidden: Tensor; att: Tensor[]; residuals: Tensor[] } {
    const { blockSize, nHead, nLayer } = this.config;
    const be = this.backend;
    const [B, T] = idx.shape;
    if (T > blockSize) throw new ShapeError(`GPT.forward: sequence length ${T} exceeds blockSize ${blockSize}`);
    const start = kv ? this.checkCache(kv, B, T) : 0;
    const pos = new Int32Array(B * T);
    for (let i = 0; i < B * T; i++) pos[i] = start + (i % T); // position of each token, repeated per sequence

    let x = add(embedding(this.p('wte.weight'), idx), embedding(this.p('wpe.weight'), Tensor.ints(be, pos, [B, T]))); // (B, T, C)
    x = this.drop(x);
    const att: Tensor[] = [], residuals: Tensor[] = [x];
    for (let l = 0; l < nLayer; l++) {
      const h = `h.${l}`;
      // x = x + attn(ln_1(x))
      const qkv = this.linear(this.norm(x, `${h}.ln_1`), `${h}.attn.c_attn`); // (B, T, 3C)
      const a = kv ? this.cachedAttention(qkv, kv, l) : attention(qkv, nHead); // out (B, T, C), att (B, nh, T, T|L)
      att.push(a.att);
      x = add(x, this.drop(this.linear(a.out, `${h}.attn.c_proj`)));
      // x = x + mlp(ln_2(x))
      const hid = gelu(this.linear(this.norm(x, `${h}.ln_2`), `${h}.mlp.c_fc`)); // (B, T, 4C)
      x = add(x, this.drop(this.linear(hid, `${h}.mlp.c_proj`)));
      residuals.push(x);
    }
    return { hidden: this.norm(x, 'ln_f'), att, residuals }; // (B, T, C)
  }

  /** What the model makes of a residual stream x [B, T, C] (after any block): ln_f, then the LM
   *  head. forward() does this to the last block's output; the logit lens to every block's. */
  unembed(x: Tensor): Tensor {
    return this.head(this.norm(x, 'ln_f'));
  }

  /** The LayerNorm called `prefix` (ln_1, ln_2, ln_f): its weight, and its bias when the model has biases. */
  private norm(x: Tensor, prefix: string): Tensor {
    return layernorm(x, this.p(`${prefix}.weight`), this.config.bias ? this.p(`${prefix}.bias`) : null);
  }

  /** x · W + b of the Linear (Conv1D) called `prefix`: through its bf16 copy when decoding
   *  with setWeightDtype('bf16'), else the f32 weight. */
  private linear(x: Tensor, prefix: string): Tensor {
    const bias = this.config.bias ? this.p(`${prefix}.bias`) : null;
    return this.half?.linear(`${prefix}.weight`, x, bias) ?? linear(x, this.p(`${prefix}.weight`), bias);
  }

  /** The cache's start position, after checking that it fits this call. */
  private checkCache(kv: CacheAt, B: number, T: number): number {
    const { cache, pos } = kv;
    if (isGradEnabled()) throw new ShapeError('GPT.decode: the KV cache is for inference; call it under noGrad()');
    if (cache.k.length !== this.config.nLayer || cache.v.length !== this.config.nLayer) {
      throw new ShapeError(`GPT.decode: the KV cache has ${cache.k.length} layers, the model ${this.config.nLayer}`);
    }
    if (!Number.isInteger(pos) || pos < 0 || pos + T > cache.maxT) {
      throw new RangeError(`GPT.decode: positions ${pos}…${pos + T - 1} exceed the cache (maxT ${cache.maxT})`);
    }
    if (pos > 0 && T !== 1) throw new ShapeError(`GPT.decode: a prefill of ${T} tokens must start at pos 0 (after it, one token per sequence), got pos ${pos}`);
    if (cache.k[0].length < B * cache.maxT * this.config.nEmbd) throw new ShapeError(`GPT.decode: the KV cache holds fewer than ${B} sequences`);
    return pos;
  }

  /** Attention of layer l through the cache: write this call's K and V, then either the usual
   *  causal attention (the prefill: the cache holds exactly these tokens) or one query per
   *  sequence against the L = pos + 1 cached positions. */
  private cachedAttention(qkv: Tensor, { cache, pos }: CacheAt, l: number): { out: Tensor; att: Tensor } {
    const be = this.backend, { nHead: H, nEmbd: C } = this.config;
    const [B, T] = qkv.shape;
    be.kvCacheWrite(cache.k[l], cache.v[l], qkv.data, B, T, C, H, pos, cache.maxT);
    if (pos === 0) return attention(qkv, H);
    const L = pos + 1;
    const out = Tensor.empty(be, [B, 1, C]), att = Tensor.empty(be, [B, H, 1, L]);
    be.attentionDecode(out.data, att.data, qkv.data, cache.k[l], cache.v[l], B, C, H, L, cache.maxT);
    return { out, att };
  }

  /** x [B, T, C] → its last position per sequence [B, 1, C] (a gather, no grad: decoding only). */
  private lastPositions(x: Tensor): Tensor {
    const [B, T, C] = x.shape, be = this.backend;
    if (T === 1) return x;
    const rows = Tensor.ints(be, Array.from({ length: B }, (_, b) => b * T + T - 1), [B]);
    const out = Tensor.empty(be, [B, 1, C]);
    be.embeddingForward(out.data, x.data, rows.data, B, C, B * T); // x as a table of B·T rows
    return out;
  }

  private drop(x: Tensor): Tensor {
    if (!this.training || this.config.dropout === 0) return x;
    // a fresh mask per call: the seed walks a Weyl sequence from the model's seed
    const d = this.dropoutState;
    const seed = (d.seed + Math.imul(++d.calls, 0x9e3779b1)) >>> 0;
    return dropout(x, this.config.dropout, seed, true);
  }

  /** An i32 [B, T] tensor from a TokenBatch, checked against the vocabulary. */
  private batch(v: TokenBatch, what: string, allowIgnore: boolean): Tensor {
    const V = this.config.vocabSize;
    let t: Tensor;
    if (v instanceof Tensor) {
      if (v.dtype !== 'i32' || v.shape.length !== 2) throw new ShapeError(`GPT.forward: ${what} must be an i32 tensor [B, T], got ${v.dtype} [${v.shape.join(', ')}]`);
      t = v;
    } else {
      if (!Array.isArray(v) || v.length === 0 || !v.every((r) => Array.isArray(r))) throw new ShapeError(`GPT.forward: ${what} must be a non-empty array of rows of token ids`);
      const T = v[0].length;
      if (T === 0) throw new ShapeError(`GPT.forward: ${what} rows are empty`);
      v.forEach((r, i) => { if (r.length !== T) throw new ShapeError(`GPT.forward: ${what} row ${i} has length ${r.length}, row 0 has ${T}`); });
      t = Tensor.ints(this.backend, v.flat(), [v.length, T]);
    }
    if (t.shape[0] === 0 || t.shape[1] === 0) throw new ShapeError(`GPT.forward: ${what} is empty [${t.shape.join(', ')}]`);
    const data = this.backend.read(t.data);
    for (let i = 0; i < data.length; i++) {
      const id = data[i];
      if ((id < 0 || id >= V) && !(allowIgnore && id === IGNORE_INDEX)) {
        throw new RangeError(`GPT.forward: ${what} value ${id} at position ${i} is outside the vocabulary [0, ${V})`);
      }
    }
    return t;
  }
}
