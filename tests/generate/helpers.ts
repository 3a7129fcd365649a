// Shared fixtures for the generation tests: a tiny random GPT, a byte-level tokenizer (every
// byte is a token, so every multi-byte character is split across tokens), and a scripted stepper
// that makes the decode loop emit a chosen token sequence without a model.

import type { Backend } from '../../ts/backend/backend.js';
import { GPT } from '../../ts/model/gpt.js';
import type { GPTConfig } from '../../ts/model/config.js';
import { trainBpe } from '../../ts/tokenizer/train.js';
import type { Tokenizer } from '../../ts/tokenizer/types.js';
import type { Stepper } from '../../ts/generate/stepper.js';

export const TINY: Partial<GPTConfig> = { vocabSize: 260, blockSize: 24, nLayer: 2, nHead: 2, nEmbd: 16 };

/** A tiny random GPT whose 2-D weights are scaled ×5 (as the whole-model gradient check does):
 *  at GPT-2's init (std 0.02) attention is nearly uniform, and a cache or decode kernel with a
 *  wrong scale, mask or position would still give the same logits. */
export function tinyModel(be: Backend, cfg: Partial<GPTConfig> = {}, seed = 7): GPT {
  const model = new GPT(be, { ...TINY, ...cfg }, { seed }).eval();
  for (const [, p] of model.namedParameters()) if (p.shape.length === 2) be.scale(p.data, p.data, 5, p.size);
  return model;
}

/** 256 byte tokens + <|endoftext|> (256) and the chat specials: vocabSize 260, no merges. */
export function byteTokenizer(): Tokenizer {
  return trainBpe('', { vocabSize: 260 });
}

/** Plays back `script[row]` token by token: the scripted token gets logit 10, the rest 0. */
export class ScriptedStepper implements Stepper {
  private rows: number[] = [];
  private pos: number[] = [];
  freed = false;
  constructor(private readonly script: number[][], private readonly V: number) {}
  prefill(rows: readonly (readonly number[])[]): Float32Array[] {
    this.rows = rows.map((_, i) => i);
    this.pos = rows.map(() => 0);
    return this.logits();
  }
  step(tokens: readonly number[]): Float32Array[] {
    if (tokens.length !== this.rows.length) throw new Error('scripted: wrong batch');
    this.pos = this.pos.map((p) => p + 1);
    return this.logits();
  }
  select(rows: readonly number[]): void {
    this.rows = rows.map((r) => this.rows[r]);
    this.pos = rows.map((r) => this.pos[r]);
  }
  free(): void { this.freed = true; }
  private logits(): Float32Array[] {
    return this.rows.map((r, i) => {
      const l = new Float32Array(this.V);
      l[this.script[r][Math.min(this.pos[i], this.script[r].length - 1)]] = 10;
      return l;
    });
  }
}

/** Byte tokens of a string (the byte tokenizer's ids are the UTF-8 bytes). */
export const bytesOf = (s: string): number[] => [...new TextEncoder().encode(s)];
