// Loads the PyTorch fixtures written by tests/reference/gpt.py (weights + expected values).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSafetensors, type StTensor } from '../../ts/io/safetensors.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/gpt/', import.meta.url));
export const FIXTURES = ['awkward_head', 'odd_t', 'no_bias'] as const;

export function fixture(name: string): { weights: Uint8Array; expected: Map<string, StTensor> } {
  const weights = new Uint8Array(readFileSync(`${FIXTURE_DIR}${name}.weights.safetensors`));
  const expected = readSafetensors(new Uint8Array(readFileSync(`${FIXTURE_DIR}${name}.expected.safetensors`))).tensors;
  return { weights, expected };
}

/** Rows of an [B, T] i32 tensor. */
export function rows(t: StTensor): number[][] {
  const [B, T] = t.shape;
  return Array.from({ length: B }, (_, b) => Array.from(t.data.subarray(b * T, (b + 1) * T)));
}

/** max |a − b| and the worst violation of |a − b| ≤ atol + rtol·|b| (≤ 1 passes). */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): { maxAbs: number; worst: number } {
  if (a.length !== b.length) throw new Error(`compare: lengths ${a.length} and ${b.length} differ`);
  let maxAbs = 0, worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= maxAbs)) maxAbs = d; // NaN propagates as a failure
    const r = d / (atol + rtol * Math.abs(b[i]));
    if (!(r <= worst)) worst = r;
  }
  return { maxAbs, worst };
}
