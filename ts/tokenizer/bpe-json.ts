// BPE tokenizer JSON: vocab (GPT-2 printable alphabet) + merges ("a b") + special tokens, the
// shape of GPT-2's encoder.json/vocab.bpe and of Hugging Face tokenizer.json's BPE model.
import { bytesToPrintable, printableToBytes } from './bytes.js';
import { TokenizerFormatError, describe } from './errors.js';
import type { BpeSpec } from './bpe.js';
import type { BpeTokenizerJSON } from './types.js';

/**
 * Builds a BpeSpec from a printable vocab and "left right" merge lines; every field is checked
 * and errors name the field (`where`) and the offending value.
 * Example: vocab {…, "a": 64, …, "Ġ": 220, …, "Ġa": 257}, merges ["Ġ a"] → merges [[220, 64, 257]].
 */
export function buildBpeSpec(vocab: unknown, merges: unknown, specials: unknown, pattern: unknown,
  where: { vocab: string; merges: string; specials: string }): BpeSpec {
  if (typeof pattern !== 'string' || pattern === '') throw new TokenizerFormatError('pattern', `expected a pattern name or regex source, got ${describe(pattern)}`);
  if (!isRecord(vocab)) throw new TokenizerFormatError(where.vocab, `expected an object of token → id, got ${describe(vocab)}`);
  if (!Array.isArray(merges)) throw new TokenizerFormatError(where.merges, `expected an array of "left right" strings, got ${describe(merges)}`);
  if (!isRecord(specials)) throw new TokenizerFormatError(where.specials, `expected an object of special token → id, got ${describe(specials)}`);

  const ids = new Map<string, number>();
  const tokens: (Uint8Array | undefined)[] = [];
  const seen = new Map<number, string>();
  const claim = (id: unknown, name: string, field: string) => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffffff) {
      throw new TokenizerFormatError(`${field}[${JSON.stringify(name)}]`, `expected an integer id in [0, 16777216), got ${describe(id)}`);
    }
    const other = seen.get(id);
    if (other !== undefined) throw new TokenizerFormatError(`${field}[${JSON.stringify(name)}]`, `id ${id} is also used by ${JSON.stringify(other)}`);
    seen.set(id, name);
    return id;
  };
  const specialTokens = new Map<string, number>();
  for (const [name, id] of Object.entries(specials)) {
    if (name === '') throw new TokenizerFormatError(where.specials, 'a special token is the empty string');
    specialTokens.set(name, claim(id, name, where.specials));
  }
  for (const [tok, id] of Object.entries(vocab)) {
    // GPT-2's encoder.json lists <|endoftext|> among the ordinary tokens; it is a special here.
    if (specialTokens.has(tok) && specialTokens.get(tok) === id) continue;
    const bytes = printableToBytes(tok);
    if (bytes === undefined || bytes.length === 0) {
      throw new TokenizerFormatError(`${where.vocab}[${JSON.stringify(tok)}]`, 'token is empty or uses a character outside the GPT-2 byte alphabet');
    }
    tokens[claim(id, tok, where.vocab)] = bytes;
    ids.set(tok, id as number);
  }
  const size = seen.size;
  for (let id = 0; id < size; id++) {
    if (!seen.has(id)) throw new TokenizerFormatError(where.vocab, `ids must run from 0 to ${size - 1} without gaps, but id ${id} is missing`);
  }
  const triples: [number, number, number][] = new Array(merges.length);
  merges.forEach((line, rank) => {
    const at = `${where.merges}[${rank}]`;
    const parts = typeof line === 'string' ? line.split(' ') : [];
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new TokenizerFormatError(at, `expected "left right", got ${describe(line)}`);
    const [a, b] = parts;
    const ia = ids.get(a), ib = ids.get(b), ic = ids.get(a + b);
    if (ia === undefined || ib === undefined || ic === undefined) {
      const missing = ia === undefined ? a : ib === undefined ? b : a + b;
      throw new TokenizerFormatError(at, `merge ${JSON.stringify(line)} uses ${JSON.stringify(missing)}, which is not in the vocab`);
    }
    triples[rank] = [ia, ib, ic];
  });
  return { pattern, tokens, merges: triples, specialTokens };
}

/** Parses our own JSON (an object or its text). */
export function bpeSpecFromJSON(json: unknown): BpeSpec {
  if (!isRecord(json)) throw new TokenizerFormatError('(root)', `expected an object, got ${describe(json)}`);
  if (json.type !== 'bpe') throw new TokenizerFormatError('type', `expected "bpe", got ${describe(json.type)}`);
  if (json.version !== 1) throw new TokenizerFormatError('version', `expected 1, got ${describe(json.version)}`);
  return buildBpeSpec(json.vocab, json.merges, json.specialTokens, json.pattern,
    { vocab: 'vocab', merges: 'merges', specials: 'specialTokens' });
}

export function bpeToJSON(pattern: string, tokens: Uint8Array[], isSpecial: Uint8Array,
  merges: ReadonlyArray<readonly [number, number, number]>, specials: ReadonlyMap<string, number>): BpeTokenizerJSON {
  // No prototype: a learned token can be spelled "__proto__" (code corpora), and assigning that
  // key on a plain object would set its prototype instead of adding the token.
  const vocab: Record<string, number> = Object.create(null);
  const names: string[] = new Array(tokens.length);
  tokens.forEach((t, id) => {
    if (isSpecial[id]) return;
    names[id] = bytesToPrintable(t);
    vocab[names[id]] = id;
  });
  return {
    type: 'bpe',
    version: 1,
    pattern,
    vocab,
    merges: merges.map(([a, b]) => `${names[a]} ${names[b]}`),
    specialTokens: Object.fromEntries(specials),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
