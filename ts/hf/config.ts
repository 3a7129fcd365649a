// Hugging Face GPT-2 config.json ↔ GPTConfig (transformers' GPT2Config, configuration_gpt2.py).
// Every field that changes the computation is checked against what glassgpt's kernels compute
// (LayerNorm eps 1e-5, GELU's tanh form, 1/√d attention scale, 4·n_embd MLP, tied head); one we
// cannot honour is an error naming the field and value, never a silently different model.
// Fields that only matter to training in transformers (dropouts, init range, summary_* heads of
// the double-heads model, task_specific_params) or to bookkeeping are ignored.

import { GlassgptError } from '../errors.js';
import { makeConfig, type GPTConfig } from '../model/config.js';

/** A config.json that does not describe a GPT-2 glassgpt can run. */
export class HfConfigError extends GlassgptError {
  readonly code: string = 'ERR_HF_CONFIG';
  override name = 'HfConfigError';
}

const show = (v: unknown) => JSON.stringify(v) ?? String(v);

/** What a GPT-2 config.json says, as a GPTConfig, plus the token ids it names. */
export interface HfGpt2Config {
  config: GPTConfig;
  bosTokenId?: number;
  eosTokenId?: number;
}

// "gelu_new" is transformers' name for GPT-2's tanh GELU; "gelu_pytorch_tanh" is the same
// function computed by torch.nn.functional.gelu(approximate="tanh").
const GELU_TANH = ['gelu_new', 'gelu_pytorch_tanh'];

export function gptConfigFromHf(json: unknown): HfGpt2Config {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new HfConfigError(`config.json: expected an object, got ${show(json)}`);
  const c = json as Record<string, unknown>;
  const field = (k: string, why: string) => new HfConfigError(`config.json: ${k}=${show(c[k])} ${why}`);
  const int = (k: string, required = true): number | undefined => {
    const v = c[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw field(k, 'must be a positive integer');
    return v;
  };
  const expect = (k: string, want: unknown, why: string) => {
    if (c[k] !== undefined && c[k] !== want) throw field(k, why);
  };
  if (c.model_type !== undefined && c.model_type !== 'gpt2') throw field('model_type', 'is not supported (only "gpt2")');
  const nLayer = int('n_layer')!, nHead = int('n_head')!, nEmbd = int('n_embd')!, vocabSize = int('vocab_size')!;
  const blockSize = int('n_positions')!;
  const nCtx = int('n_ctx', false); // older configs carry n_ctx beside n_positions
  if (nCtx !== undefined && nCtx !== blockSize) throw field('n_ctx', `differs from n_positions=${blockSize}`);
  if (c.n_inner !== undefined && c.n_inner !== null && c.n_inner !== 4 * nEmbd) throw field('n_inner', `is not supported: the MLP is 4·n_embd = ${4 * nEmbd} wide (or null)`);
  const act = c.activation_function ?? 'gelu_new';
  if (!GELU_TANH.includes(act as string)) throw field('activation_function', `is not supported (only ${GELU_TANH.map((s) => `"${s}"`).join(' or ')}, GPT-2's tanh GELU)`);
  // the kernels' LayerNorm eps is the compiled constant 1e-5 (GPT-2's)
  const eps = c.layer_norm_epsilon ?? 1e-5;
  if (eps !== 1e-5) throw field('layer_norm_epsilon', 'is not supported (only 1e-5, the kernels\' constant)');
  expect('scale_attn_weights', true, 'is not supported (attention always scales by 1/√head_size)');
  expect('scale_attn_by_inverse_layer_idx', false, 'is not supported');
  expect('reorder_and_upcast_attn', false, 'is not supported');
  expect('add_cross_attention', false, 'is not supported (no encoder here)');
  expect('tie_word_embeddings', true, 'is not supported: glassgpt ties the LM head to wte');
  if (c.architectures !== undefined) {
    const ok = Array.isArray(c.architectures) && c.architectures.every((a) => a === 'GPT2LMHeadModel' || a === 'GPT2Model');
    if (!ok) throw field('architectures', 'is not supported (only GPT2LMHeadModel / GPT2Model)');
  }
  let config: GPTConfig;
  try {
    config = makeConfig({ vocabSize, blockSize, nLayer, nHead, nEmbd, bias: true, dropout: 0 });
  } catch (e) {
    throw new HfConfigError(`config.json: ${(e as Error).message}`);
  }
  const id = (k: string) => {
    const v = c[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= vocabSize) throw field(k, `must be a token id in [0, ${vocabSize})`);
    return v;
  };
  return { config, bosTokenId: id('bos_token_id'), eosTokenId: id('eos_token_id') };
}

/** The config.json transformers needs to build GPT2LMHeadModel for `config`. Dropouts are 0:
 *  glassgpt's dropout has no attention-probability mask, and a file of inference defaults is
 *  the honest one (set them in transformers before training there). */
export function hfConfigFromGpt(config: GPTConfig, eosTokenId?: number): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: config.vocabSize,
    n_positions: config.blockSize,
    n_embd: config.nEmbd,
    n_layer: config.nLayer,
    n_head: config.nHead,
    n_inner: null,
    activation_function: 'gelu_new',
    layer_norm_epsilon: 1e-5,
    resid_pdrop: config.dropout,
    embd_pdrop: config.dropout,
    attn_pdrop: 0,
    initializer_range: 0.02,
    scale_attn_weights: true,
    scale_attn_by_inverse_layer_idx: false,
    reorder_and_upcast_attn: false,
    tie_word_embeddings: true,
    use_cache: true,
    ...(eosTokenId !== undefined ? { bos_token_id: eosTokenId, eos_token_id: eosTokenId } : {}),
    torch_dtype: 'float32',
  };
}
