// A GPT (and its tokenizer) as the files of a Hugging Face GPT-2 folder, the layout
// GPT2LMHeadModel.save_pretrained writes: config.json, model.safetensors with "transformer."
// names and Conv1D [in, out] weights (F32, the LM head left out: transformers ties it to wte),
// and GPT2Tokenizer's files for a byte-level BPE. Browser-safe: returns the files' contents.

import { writeSafetensors } from '../io/safetensors.js';
import { parameterSpecs } from '../model/config.js';
import type { GPT } from '../model/gpt.js';
import { BpeTokenizer } from '../tokenizer/bpe.js';
import { ENDOFTEXT } from '../tokenizer/special.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { hfConfigFromGpt } from './config.js';
import { hfTokenizerFiles } from './tokenizer.js';

/** Written for a character tokenizer, which transformers has no class for. */
export const CHAR_TOKENIZER_FILE = 'glassgpt_tokenizer.json';

export interface HfExport {
  files: Record<string, Uint8Array | string>;
  /** What a user should know about the folder (e.g. the char tokenizer caveat). */
  notes: string[];
}

export function hfFolderFiles(model: GPT, tokenizer?: Tokenizer): HfExport {
  const be = model.backend, notes: string[] = [];
  const own = new Map(model.namedParameters());
  // HF's GPT-2 always has biases: a bias-free model is written with zero biases, the same function
  const specs = parameterSpecs({ ...model.config, bias: true });
  if (!model.config.bias) notes.push('the model has no biases; zero biases are written (HF GPT-2 always has them), so it computes the same function');
  const tensors: [string, { shape: number[]; data: Float32Array }][] = specs.map(({ name, shape }) => {
    const t = own.get(name);
    const data = t ? (be.read(t.data) as Float32Array) : new Float32Array(shape.reduce((a, d) => a * d, 1));
    return [`transformer.${name}`, { shape, data }];
  });
  const eos = tokenizer?.specialTokens.get(ENDOFTEXT);
  const files: Record<string, Uint8Array | string> = {
    'config.json': JSON.stringify(hfConfigFromGpt({ ...model.config, dropout: 0 }, eos), null, 2),
    'model.safetensors': writeSafetensors(tensors, { format: 'pt' }),
  };
  if (tokenizer instanceof BpeTokenizer) {
    Object.assign(files, hfTokenizerFiles(tokenizer, model.config.blockSize));
    if (tokenizer.pattern !== 'gpt2') notes.push(`the tokenizer splits with pattern "${tokenizer.pattern}", which GPT2Tokenizer (slow) cannot: only tokenizer.json is written (AutoTokenizer loads it as a fast tokenizer)`);
  } else if (tokenizer) {
    files[CHAR_TOKENIZER_FILE] = JSON.stringify(tokenizer.toJSON());
    notes.push(`a character tokenizer has no transformers class: it is written as ${CHAR_TOKENIZER_FILE} (glassgpt's JSON; id = position in "chars"), and AutoTokenizer will not load this folder's tokenizer`);
  } else {
    notes.push('no tokenizer: only config.json and model.safetensors are written');
  }
  return { files, notes };
}
