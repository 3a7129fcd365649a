// Token data for next-token prediction: a token stream split into train/val, and seeded random
// windows of blockSize+1 tokens cut into batches (nanoGPT's get_batch). Tokens are stored once,
// in the narrowest typed array that holds the vocabulary; the Node-only FileTokens (data-node.ts)
// reads windows straight from a token file instead, for corpora too big to hold.

import type { Rng } from '../tensor/random.js';
import { ArgumentError } from '../errors.js';

/** Anything windows can be cut from. */
export interface TokenSource {
  readonly length: number;
  /** Copies tokens [start, start + out.length) into out. */
  read(start: number, out: Int32Array): void;
}

export type TokenArray = Uint16Array | Int32Array;

export class MemoryTokens implements TokenSource {
  constructor(readonly tokens: TokenArray) {}
  get length(): number { return this.tokens.length; }
  read(start: number, out: Int32Array): void { out.set(this.tokens.subarray(start, start + out.length)); }
}

/** Tokens in the narrowest array for a vocabulary (uint16 below 65,536 ids, as nanoGPT's .bin). */
export function packTokens(ids: ArrayLike<number>, vocabSize: number): TokenArray {
  return vocabSize <= 65536 ? Uint16Array.from(ids) : Int32Array.from(ids);
}

/** A train/val split of one token array: the first (1 − valFraction) for training. */
export function splitTokens(tokens: TokenArray, valFraction: number): { train: MemoryTokens; val: MemoryTokens } {
  if (!(valFraction >= 0 && valFraction < 1)) throw new ArgumentError(`valFraction must be in [0, 1), got ${valFraction}`);
  const n = Math.floor(tokens.length * (1 - valFraction));
  return { train: new MemoryTokens(tokens.subarray(0, n)), val: new MemoryTokens(tokens.subarray(n)) };
}

export interface Batch {
  ids: Int32Array; // [B, T]
  targets: Int32Array; // [B, T]: ids shifted left by one
  B: number;
  T: number;
}

/** B random windows of T+1 tokens: inputs are the first T, targets the last T. */
export function sampleBatch(src: TokenSource, B: number, T: number, rng: Rng): Batch {
  if (src.length < T + 1) {
    throw new ArgumentError(`the data has ${src.length} tokens, fewer than one window of blockSize+1 = ${T + 1}`);
  }
  const ids = new Int32Array(B * T), targets = new Int32Array(B * T), win = new Int32Array(T + 1);
  const starts = src.length - T; // valid starts: 0 … length − T − 1
  for (let b = 0; b < B; b++) {
    src.read(Math.floor(rng.uniform() * starts), win);
    ids.set(win.subarray(0, T), b * T);
    targets.set(win.subarray(1), b * T);
  }
  return { ids, targets, B, T };
}
