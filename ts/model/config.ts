// GPTConfig, read as nanoGPT's model.py dataclass: one commented default per line, checked so a
// typo or an impossible shape fails at construction with the key and value named.

import { ConfigError } from './config-error.js';
import { checkModelFits } from './limits.js';

export { ConfigError };

export interface GPTConfig {
  vocabSize: number;
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  dropout: number;
  bias: boolean;
}

export const DEFAULT_CONFIG: Readonly<GPTConfig> = Object.freeze({
  vocabSize: 50304, // GPT-2's 50257 padded up to a multiple of 64 (nanoGPT)
  blockSize: 1024, // longest context; wpe has this many rows
  nLayer: 12, // transformer blocks
  nHead: 12, // attention heads per block; nEmbd must divide evenly
  nEmbd: 768, // residual stream width C
  dropout: 0.0, // embedding and residual dropout in training mode; 0 for pre-training small models
  bias: true, // biases in Linears and LayerNorms, as GPT-2; false is a bit better and faster
});


const KEYS = Object.keys(DEFAULT_CONFIG) as (keyof GPTConfig)[];

function positiveInt(key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ConfigError(`GPTConfig.${key} must be a positive integer, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

/** The defaults overridden by `partial`, validated. Unknown keys (e.g. nanoGPT's snake_case
 *  names) are rejected rather than silently ignored. */
export function makeConfig(partial: Partial<GPTConfig> = {}): GPTConfig {
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
    throw new ConfigError(`GPTConfig must be an object, got ${partial === null ? 'null' : typeof partial}`);
  }
  for (const k of Object.keys(partial)) {
    if (!(KEYS as string[]).includes(k)) throw new ConfigError(`GPTConfig: unknown key "${k}" (known: ${KEYS.join(', ')})`);
  }
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const c = { ...DEFAULT_CONFIG, ...defined } as GPTConfig;
  for (const k of ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd'] as const) positiveInt(k, c[k]);
  if (typeof c.dropout !== 'number' || !(c.dropout >= 0 && c.dropout < 1)) {
    throw new ConfigError(`GPTConfig.dropout must be a number in [0, 1), got ${JSON.stringify(c.dropout)}`);
  }
  if (typeof c.bias !== 'boolean') throw new ConfigError(`GPTConfig.bias must be a boolean, got ${JSON.stringify(c.bias)}`);
  if (c.nEmbd % c.nHead !== 0) {
    throw new ConfigError(`GPTConfig: nEmbd=${c.nEmbd} is not divisible by nHead=${c.nHead}`);
  }
  // ids travel as i32
  if (c.vocabSize > 2 ** 31 - 1) throw new ConfigError(`GPTConfig: vocabSize=${c.vocabSize} does not fit an i32 token id (at most ${2 ** 31 - 1})`);
  checkModelFits(c); // before anyone allocates: a config may come from a downloaded file
  return c;
}

/** The GPT-2 parameter names and shapes of a config, in checkpoint order. Conv1D weights are
 *  [in, out]; the LM head is tied to wte and has no entry of its own. */
export function parameterSpecs(c: GPTConfig): { name: string; shape: number[] }[] {
  return [...parameterSpecIter(c)];
}

/** parameterSpecs one at a time, so a checker can stop early without listing every layer. */
export function* parameterSpecIter(c: GPTConfig): Generator<{ name: string; shape: number[] }> {
  const C = c.nEmbd;
  yield { name: 'wte.weight', shape: [c.vocabSize, C] };
  yield { name: 'wpe.weight', shape: [c.blockSize, C] };
  const ln = (p: string) => [{ name: `${p}.weight`, shape: [C] }, ...(c.bias ? [{ name: `${p}.bias`, shape: [C] }] : [])];
  const lin = (p: string, nin: number, nout: number) => [
    { name: `${p}.weight`, shape: [nin, nout] },
    ...(c.bias ? [{ name: `${p}.bias`, shape: [nout] }] : []),
  ];
  for (let i = 0; i < c.nLayer; i++) {
    const h = `h.${i}`;
    yield* [...ln(`${h}.ln_1`), ...lin(`${h}.attn.c_attn`, C, 3 * C), ...lin(`${h}.attn.c_proj`, C, C)];
    yield* [...ln(`${h}.ln_2`), ...lin(`${h}.mlp.c_fc`, C, 4 * C), ...lin(`${h}.mlp.c_proj`, 4 * C, C)];
  }
  yield* ln('ln_f');
}
