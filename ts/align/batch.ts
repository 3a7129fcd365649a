// Right-padded batches of token sequences with the SFT target mask (TRL's
// DataCollatorForCompletionOnlyLM): targets[t] = ids[t+1] where token t+1 is a training token,
// else the ignore index −100, so prompt tokens and padding contribute no loss and no gradient.
// Padding goes on the right: attention is causal, so no real token ever attends to a pad and no
// attention mask is needed (the pads only produce ignored positions after each sequence's end).

import { IGNORE_INDEX } from '../tensor/loss.js';
import { AlignError } from './errors.js';

export interface Sequence {
  ids: readonly number[];
  /** 1 for tokens that are targets (assistant output), 0 for prompt tokens. */
  train: ArrayLike<number>;
}

export interface PaddedBatch {
  ids: Int32Array; // [B, T]
  targets: Int32Array; // [B, T], −100 except where the next token is a training token
  B: number;
  T: number;
  /** Per row, the position of its last real token (where a reward head reads). */
  last: Int32Array;
  /** Rows that were longer than maxT and lost their tail. */
  truncated: number;
}

/** Pads `seqs` to the longest (at most maxT) with padId. A row longer than maxT keeps its first
 *  maxT tokens. Example (maxT 8, pad 0): ids [5,6,7] train [0,1,1] → ids [5,6,7], targets
 *  [6,7,−100]; with a second row of 4 tokens T = 4 and the first row becomes [5,6,7,0]. */
export function padBatch(seqs: readonly Sequence[], padId: number, maxT: number): PaddedBatch {
  if (seqs.length === 0) throw new AlignError('padBatch: no sequences');
  if (!Number.isInteger(maxT) || maxT < 2) throw new AlignError(`padBatch: maxT must be an integer ≥ 2, got ${maxT}`);
  let T = 0, truncated = 0;
  for (const [i, s] of seqs.entries()) {
    if (s.ids.length === 0) throw new AlignError(`padBatch: sequence ${i} is empty`);
    if (s.train.length !== s.ids.length) throw new AlignError(`padBatch: sequence ${i} has ${s.ids.length} ids but ${s.train.length} mask entries`);
    T = Math.max(T, Math.min(s.ids.length, maxT));
  }
  const B = seqs.length;
  const ids = new Int32Array(B * T).fill(padId), targets = new Int32Array(B * T).fill(IGNORE_INDEX);
  const last = new Int32Array(B);
  seqs.forEach((s, b) => {
    const n = Math.min(s.ids.length, T);
    if (s.ids.length > T) truncated++;
    for (let t = 0; t < n; t++) ids[b * T + t] = s.ids[t];
    for (let t = 0; t + 1 < n; t++) if (s.train[t + 1]) targets[b * T + t] = s.ids[t + 1];
    last[b] = n - 1;
  });
  return { ids, targets, B, T, last, truncated };
}

/** Whether a sequence has a training target inside the first maxT tokens: a prompt as long as
 *  the block leaves its response cut off, so the example would train on nothing. */
export function hasTargetWithin(s: Sequence, maxT: number): boolean {
  const n = Math.min(s.ids.length, maxT);
  for (let t = 1; t < n; t++) if (s.train[t]) return true;
  return false;
}

/** The error for data whose every example lost its response to the block (names the fix). */
export function noTargetsError(what: string, count: number, maxT: number, longest: number): AlignError {
  return new AlignError(`${what}: none of the ${count} examples has a response token within the model's block of ${maxT} tokens ` +
    `(the longest is ${longest} tokens; prompts that fill the block leave nothing to learn): shorten the prompts, or start from a model with a larger blockSize`);
}

/** Number of target positions that are not ignored. */
export function countTargets(targets: Int32Array): number {
  let n = 0;
  for (const t of targets) if (t !== IGNORE_INDEX) n++;
  return n;
}
