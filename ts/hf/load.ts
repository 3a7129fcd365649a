// A Hugging Face GPT-2 folder as a GPT: config.json, model.safetensors or a sharded
// model.safetensors.index.json (F32, F16 or BF16: widened on load), tensor names with or without
// "transformer.", the LM head tied or absent; the tokenizer from tokenizer.json or vocab.json +
// merges.txt. Browser-safe: files come through a `read(name)` callback (fs in hf/node.ts, a
// file picker or fetch on a page). Sizes are checked from config.json before anything is read.

import { GlassgptError } from '../errors.js';
import type { Backend } from '../backend/backend.js';
import { readSafetensors, type StTensor } from '../io/safetensors.js';
import { copyWeights } from '../model/checkpoint.js';
import { parameterSpecs, type GPTConfig } from '../model/config.js';
import { GPT } from '../model/gpt.js';
import type { WeightDtype } from '../model/half.js';
import type { BpeTokenizer } from '../tokenizer/bpe.js';
import { parseJsonIfString } from '../tokenizer/errors.js';
import { gptConfigFromHf, HfConfigError } from './config.js';
import { fromTokenizerJson, fromVocabMerges } from './tokenizer.js';

/** A file of the folder, or undefined when it does not exist. */
export type ReadFile = (name: string) => Promise<Uint8Array | undefined>;

/** A folder whose files do not make a GPT-2 (missing file, bad index, too large). */
export class HfFolderError extends GlassgptError {
  readonly code: string = 'ERR_HF_FOLDER';
  override name = 'HfFolderError';
}

export const INDEX_FILE = 'model.safetensors.index.json';
export const WEIGHTS_FILE = 'model.safetensors';

// The wasm32 heap is 4 GiB; parameters and their gradients take 8 bytes per weight, and
// activations, the KV cache and 16-bit copies need room beside them.
export const MAX_PARAM_BYTES = 3.5 * 2 ** 30;

/** Bytes a GPT of `config` holds before any step: parameters and gradients, f32 each. */
export function estimateModelBytes(config: GPTConfig): number {
  let n = 0;
  for (const s of parameterSpecs(config)) n += s.shape.reduce((a, d) => a * d, 1);
  return 8 * n;
}

export interface HfModel {
  model: GPT;
  /** undefined when the folder has no tokenizer files. */
  tokenizer: BpeTokenizer | undefined;
  /** The dtypes the weight files held, e.g. ["BF16"]. */
  dtypes: string[];
  eosTokenId: number | undefined;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Reads config.json only: the GPTConfig and the bytes loading it will take. For a page's
 *  "this needs 1.0 GB" before the weights are read. */
export async function readHfConfig(read: ReadFile): Promise<{ config: GPTConfig; eosTokenId?: number; bytes: number }> {
  const raw = await read('config.json');
  if (!raw) throw new HfFolderError('no config.json in the folder (a Hugging Face GPT-2 folder has config.json and model.safetensors)');
  let json: unknown;
  try { json = JSON.parse(text(raw)); } catch (e) { throw new HfConfigError(`config.json is not JSON: ${(e as Error).message}`); }
  const { config, eosTokenId } = gptConfigFromHf(json);
  return { config, eosTokenId, bytes: estimateModelBytes(config) };
}

export interface LoadHfOptions {
  /** 'bf16': decode through bf16 copies of the matrix weights (GPT.setWeightDtype). */
  weights?: WeightDtype;
}

export async function loadHfModel(backend: Backend, read: ReadFile, opts: LoadHfOptions = {}): Promise<HfModel> {
  const { config, eosTokenId, bytes } = await readHfConfig(read);
  if (bytes > MAX_PARAM_BYTES) {
    throw new HfFolderError(`config.json describes ${(bytes / 8 / 1e6).toFixed(0)}M parameters: ${(bytes / 2 ** 30).toFixed(1)} GiB with gradients, over the ${MAX_PARAM_BYTES / 2 ** 30} GiB a wasm32 heap leaves for them`);
  }
  const tokenizer = await readTokenizer(read);
  if (tokenizer && tokenizer.vocabSize > config.vocabSize) {
    throw new HfFolderError(`the tokenizer has ${tokenizer.vocabSize} tokens, config.json vocab_size=${config.vocabSize} is smaller`);
  }
  const tensors = await readWeights(read, maxWeightBytes(config));
  const dtypes = [...new Set([...tensors.values()].map((t) => t.dtype))].sort();
  const model = new GPT(backend, config, { init: false }); // copyWeights writes every parameter
  try {
    copyWeights(model, tensors);
  } catch (e) {
    model.free();
    throw e;
  }
  model.eval();
  if (opts.weights && opts.weights !== 'f32') {
    try { model.setWeightDtype(opts.weights); } catch (e) { model.free(); throw e; }
  }
  return { model, tokenizer, dtypes, eosTokenId };
}

/** The most weight-file bytes a GPT-2 of `config` can need: every parameter at 4 bytes, the
 *  lm_head written out, the causal-mask buffers old GPT-2 files carry (attn.bias [1, 1, P, P] and
 *  masked_bias per layer, F32), and room for headers. Reading more means tensors the model cannot
 *  use, which would be widened to f32 in memory before being refused. */
export function maxWeightBytes(config: GPTConfig): number {
  const P = config.blockSize;
  return estimateModelBytes(config) / 2 + 4 * config.vocabSize * config.nEmbd + config.nLayer * (4 * P * P + 64) + 16 * 2 ** 20;
}

/** Every tensor of the folder: one model.safetensors, or the shards an index names; at most
 *  `limit` bytes of files are read. */
async function readWeights(read: ReadFile, limit: number): Promise<Map<string, StTensor>> {
  let total = 0;
  const counted = (name: string, bytes: Uint8Array) => {
    total += bytes.length;
    if (total > limit) throw new HfFolderError(`the weight files reach ${total} bytes at "${name}", more than the ${limit} a GPT-2 of this config.json can use`);
    return bytes;
  };
  const index = await read(INDEX_FILE);
  if (!index) {
    const single = await read(WEIGHTS_FILE);
    if (!single) {
      const hint = (await read('pytorch_model.bin')) ? ' (pytorch_model.bin is a pickle, which is not read: convert it with safetensors first)' : '';
      throw new HfFolderError(`no ${WEIGHTS_FILE} or ${INDEX_FILE} in the folder${hint}`);
    }
    return readSafetensors(counted(WEIGHTS_FILE, single)).tensors;
  }
  const weightMap = parseIndex(index);
  const tensors = new Map<string, StTensor>();
  for (const file of new Set(weightMap.values())) {
    const bytes = await read(file);
    if (!bytes) throw new HfFolderError(`${INDEX_FILE} names the shard "${file}", which is not in the folder`);
    for (const [name, t] of readSafetensors(counted(file, bytes)).tensors) {
      const want = weightMap.get(name);
      if (want !== file) throw new HfFolderError(`shard "${file}" holds "${name}", which ${INDEX_FILE} ${want ? `puts in "${want}"` : 'does not list'}`);
      tensors.set(name, t);
    }
  }
  for (const [name, file] of weightMap) if (!tensors.has(name)) throw new HfFolderError(`${INDEX_FILE} puts "${name}" in "${file}", which does not hold it`);
  return tensors;
}

/** weight_map of an index: tensor name → shard file name (a plain name in this folder). */
function parseIndex(bytes: Uint8Array): Map<string, string> {
  let json: unknown;
  try { json = JSON.parse(text(bytes)); } catch (e) { throw new HfFolderError(`${INDEX_FILE} is not JSON: ${(e as Error).message}`); }
  const wm = (json as { weight_map?: unknown } | null)?.weight_map;
  if (wm === null || typeof wm !== 'object' || Array.isArray(wm)) throw new HfFolderError(`${INDEX_FILE}: weight_map must be an object of tensor name → file`);
  const out = new Map<string, string>();
  for (const [name, file] of Object.entries(wm)) {
    // a shard is a file beside the index: no path separators, no "..", so a hostile index
    // cannot make the reader open anything outside the folder
    if (typeof file !== 'string' || !/^[\w][\w.-]*\.safetensors$/.test(file)) {
      throw new HfFolderError(`${INDEX_FILE}: weight_map["${name}"]=${JSON.stringify(file)} is not a .safetensors file name in this folder`);
    }
    out.set(name, file);
  }
  return out;
}

/** tokenizer.json when present (what tokenizers writes), else vocab.json + merges.txt. */
async function readTokenizer(read: ReadFile): Promise<BpeTokenizer | undefined> {
  const tj = await read('tokenizer.json');
  if (tj) return fromTokenizerJson(text(tj));
  const [vocab, merges, cfg] = [await read('vocab.json'), await read('merges.txt'), await read('tokenizer_config.json')];
  if (!vocab || !merges) return undefined;
  return fromVocabMerges(text(vocab), text(merges), cfg ? (parseJsonIfString(text(cfg), 'tokenizer_config.json') as Record<string, unknown>) : undefined);
}
