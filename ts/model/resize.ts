// transformers' resize_token_embeddings: a GPT with a larger vocabulary, for special tokens
// added to a pretrained tokenizer (GPT-2 has none of glassgpt's chat tokens). Every weight is
// copied; the new rows of wte (also the tied head's) start at the mean of the existing rows, as
// transformers initialises them, so the new tokens start out as an average token rather than
// noise the head would give large logits to.

import { GPT } from './gpt.js';
import { ArgumentError } from '../errors.js';

/** A new GPT with `vocabSize` ≥ the model's; the old one is left as it was (free it yourself). */
export function resizeTokenEmbeddings(model: GPT, vocabSize: number): GPT {
  const V = model.config.vocabSize, C = model.config.nEmbd, be = model.backend;
  if (!Number.isInteger(vocabSize) || vocabSize < V) throw new ArgumentError(`resizeTokenEmbeddings: vocabSize must be an integer ≥ ${V}, got ${vocabSize}`);
  const out = new GPT(be, { ...model.config, vocabSize }, { init: false });
  try {
    for (const [name, t] of model.namedParameters()) {
      const data = be.read(t.data) as Float32Array;
      if (name !== 'wte.weight') { be.write(out.p(name).data, data); continue; }
      const wte = new Float32Array(vocabSize * C);
      wte.set(data);
      const mean = new Float64Array(C);
      for (let v = 0; v < V; v++) for (let c = 0; c < C; c++) mean[c] += data[v * C + c] / V;
      for (let v = V; v < vocabSize; v++) for (let c = 0; c < C; c++) wte[v * C + c] = mean[c];
      be.write(out.p(name).data, wte);
    }
  } catch (e) {
    out.free();
    throw e;
  }
  out.training = model.training;
  return out;
}
