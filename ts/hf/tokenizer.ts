// Hugging Face tokenizer files ↔ BpeTokenizer: vocab.json + merges.txt (GPT2Tokenizer, the same
// contents as openai's encoder.json + vocab.bpe) and tokenizer.json (the `tokenizers` library's
// serialisation of a byte-level BPE). Browser-safe: functions take and return file contents.
// Only what glassgpt's BPE computes is accepted: a normalizer, add_prefix_space or a non-BPE
// model would tokenize differently here, so each is an error naming the field.

import { BpeTokenizer } from '../tokenizer/bpe.js';
import { buildBpeSpec } from '../tokenizer/bpe-json.js';
import { TokenizerFormatError, describe, parseJsonIfString } from '../tokenizer/errors.js';
import { fromGpt2Files } from '../tokenizer/gpt2.js';
import { GPT2_SPLIT_PATTERN, GPT4_SPLIT_PATTERN } from '../tokenizer/patterns.js';
import { ENDOFTEXT } from '../tokenizer/special.js';

// GPT-4's split pattern as tokenizers (Oniguruma) spells it: the inline (?i:) group that
// JavaScript's regexes lack (patterns.ts writes it with classes instead; same language).
const HF_GPT4_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** vocab.json + merges.txt, plus the added (special) tokens tokenizer_config.json lists in
 *  `added_tokens_decoder` ({"50256": {"content": "<|endoftext|>", …}}); <|endoftext|> is a
 *  special whenever the vocab holds it, as in GPT-2's files. */
export function fromVocabMerges(vocabJson: string | Obj, mergesTxt: string, tokenizerConfig?: string | Obj): BpeTokenizer {
  if (tokenizerConfig === undefined) return fromGpt2Files(vocabJson as string, mergesTxt);
  const cfg = parseJsonIfString(tokenizerConfig, 'tokenizer_config.json');
  const added = isObj(cfg) ? cfg.added_tokens_decoder : undefined;
  if (added === undefined) return fromGpt2Files(vocabJson as string, mergesTxt);
  if (!isObj(added)) throw new TokenizerFormatError('tokenizer_config.json.added_tokens_decoder', `expected an object, got ${describe(added)}`);
  const specials: Obj = {};
  for (const [id, t] of Object.entries(added)) {
    const at = `tokenizer_config.json.added_tokens_decoder[${JSON.stringify(id)}]`;
    if (!isObj(t) || typeof t.content !== 'string') throw new TokenizerFormatError(at, `expected {"content": string, …}, got ${describe(t)}`);
    if (!/^\d{1,8}$/.test(id)) throw new TokenizerFormatError(at, 'the key must be a token id');
    specials[t.content] = Number(id);
  }
  const vocab = parseJsonIfString(vocabJson, 'vocab.json');
  return new BpeTokenizer(buildBpeSpec(vocab, mergeLines(mergesTxt), specials, 'gpt2',
    { vocab: 'vocab.json', merges: 'merges.txt', specials: 'tokenizer_config.json.added_tokens_decoder' }));
}

function mergeLines(txt: string): string[] {
  if (typeof txt !== 'string') throw new TokenizerFormatError('merges.txt', `expected the file's text, got ${describe(txt)}`);
  const lines = txt.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[0]?.startsWith('#version')) lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines;
}

/** A tokenizer.json holding a byte-level BPE (GPT-2's, or one exported by hfTokenizerFiles).
 *  Every added token becomes a special token (tokenizers splits on all of them first). */
export function fromTokenizerJson(json: string | Obj): BpeTokenizer {
  const t = parseJsonIfString(json, 'tokenizer.json');
  if (!isObj(t)) throw new TokenizerFormatError('tokenizer.json', `expected an object, got ${describe(t)}`);
  const bad = (where: string, what: string) => new TokenizerFormatError(`tokenizer.json.${where}`, what);
  const m = t.model;
  if (!isObj(m) || m.type !== 'BPE') throw bad('model.type', `only "BPE" is supported, got ${describe(isObj(m) ? m.type : m)}`);
  for (const k of ['dropout', 'unk_token'] as const) if (m[k] !== undefined && m[k] !== null) throw bad(`model.${k}`, `is not supported, got ${describe(m[k])}`);
  for (const k of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (m[k] !== undefined && m[k] !== null && m[k] !== '') throw bad(`model.${k}`, `is not supported, got ${describe(m[k])}`);
  }
  if (m.byte_fallback === true) throw bad('model.byte_fallback', 'is not supported (byte-level BPE needs none)');
  if (t.normalizer !== undefined && t.normalizer !== null) throw bad('normalizer', `is not supported, got ${describe(isObj(t.normalizer) ? t.normalizer.type : t.normalizer)}`);
  const pattern = preTokenizerPattern(t.pre_tokenizer);
  // merges: "a b" strings (tokenizers < 0.20) or ["a", "b"] pairs (newer)
  if (!Array.isArray(m.merges)) throw bad('model.merges', `expected an array, got ${describe(m.merges)}`);
  const merges = m.merges.map((x, i) => {
    if (Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'string') return `${x[0]} ${x[1]}`;
    if (typeof x === 'string') return x;
    throw bad(`model.merges[${i}]`, `expected "left right" or [left, right], got ${describe(x)}`);
  });
  const specials: Obj = {};
  const added = t.added_tokens ?? [];
  if (!Array.isArray(added)) throw bad('added_tokens', `expected an array, got ${describe(added)}`);
  added.forEach((a, i) => {
    if (!isObj(a) || typeof a.content !== 'string') throw bad(`added_tokens[${i}]`, `expected {"id", "content"}, got ${describe(a)}`);
    specials[a.content] = a.id;
  });
  return new BpeTokenizer(buildBpeSpec(m.vocab, merges, specials, pattern,
    { vocab: 'tokenizer.json.model.vocab', merges: 'tokenizer.json.model.merges', specials: 'tokenizer.json.added_tokens' }));
}

/** glassgpt's pattern name for a byte-level pre-tokenizer: ByteLevel alone (GPT-2's regex), or a
 *  Split on a regex followed by ByteLevel without its own regex. */
function preTokenizerPattern(p: unknown): string {
  const bad = (where: string, what: string) => new TokenizerFormatError(`tokenizer.json.pre_tokenizer${where}`, what);
  const byteLevel = (b: Obj, where: string, regex: boolean) => {
    if (b.add_prefix_space === true) throw bad(`${where}.add_prefix_space`, 'true is not supported (glassgpt never inserts a leading space)');
    if ((b.use_regex ?? true) !== regex) throw bad(`${where}.use_regex`, `expected ${regex}, got ${describe(b.use_regex)}`);
  };
  if (!isObj(p)) throw bad('', `expected a ByteLevel pre-tokenizer, got ${describe(p)}`);
  if (p.type === 'ByteLevel') { byteLevel(p, '', true); return 'gpt2'; }
  const seq = p.type === 'Sequence' && Array.isArray(p.pretokenizers) ? p.pretokenizers : null;
  if (!seq || seq.length !== 2 || !isObj(seq[0]) || !isObj(seq[1]) || seq[0].type !== 'Split' || seq[1].type !== 'ByteLevel') {
    throw bad('', `expected ByteLevel or Sequence[Split, ByteLevel], got ${describe(p.type)}`);
  }
  byteLevel(seq[1], '.pretokenizers[1]', false);
  const split = seq[0], rx = isObj(split.pattern) ? split.pattern.Regex : undefined;
  if (typeof rx !== 'string') throw bad('.pretokenizers[0].pattern', `expected {"Regex": string}, got ${describe(split.pattern)}`);
  if (split.behavior !== 'Isolated' || split.invert === true) throw bad('.pretokenizers[0].behavior', `only "Isolated" (not inverted) is supported, got ${describe(split.behavior)}`);
  if (rx === HF_GPT4_REGEX || rx === GPT4_SPLIT_PATTERN) return 'gpt4';
  if (rx === GPT2_SPLIT_PATTERN) return 'gpt2';
  return rx;
}

/** The tokenizer files of an HF folder for `tok`: what GPT2Tokenizer(Fast) reads. */
export function hfTokenizerFiles(tok: BpeTokenizer, modelMaxLength: number): Record<string, string> {
  const j = tok.toJSON();
  const specials = Object.entries(j.specialTokens).sort((a, b) => a[1] - b[1]);
  // vocab.json lists the specials too (GPT-2's has <|endoftext|>: 50256), ids in order
  const entries = [...Object.entries(j.vocab), ...specials].sort((a, b) => a[1] - b[1]);
  const vocab: Obj = Object.create(null);
  for (const [k, v] of entries) vocab[k] = v;
  const merges = `#version: 0.2\n${j.merges.map((l) => `${l}\n`).join('')}`;
  const eos = j.specialTokens[ENDOFTEXT] !== undefined ? ENDOFTEXT : undefined;
  const addedTokens = specials.map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  const regex = j.pattern === 'gpt4' ? HF_GPT4_REGEX : j.pattern === 'none' ? null : j.pattern === 'gpt2' ? null : j.pattern;
  const byteLevel = (useRegex: boolean) => ({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: useRegex });
  const pre = j.pattern === 'gpt2' ? byteLevel(true) : regex === null ? byteLevel(false)
    : { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false }, byteLevel(false)] };
  const tokenizerJson = {
    version: '1.0', truncation: null, padding: null, added_tokens: addedTokens, normalizer: null, pre_tokenizer: pre,
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges: j.merges },
  };
  const special = eos ? { bos_token: eos, eos_token: eos, unk_token: eos } : {};
  const config = {
    tokenizer_class: j.pattern === 'gpt2' ? 'GPT2Tokenizer' : 'PreTrainedTokenizerFast', model_max_length: modelMaxLength, add_prefix_space: false, ...special,
    added_tokens_decoder: Object.fromEntries(addedTokens.map(({ id, ...rest }) => [String(id), rest])),
  };
  const files: Record<string, string> = {
    'vocab.json': JSON.stringify(vocab),
    'merges.txt': merges,
    'tokenizer.json': JSON.stringify(tokenizerJson),
    'tokenizer_config.json': JSON.stringify(config, null, 2),
    'special_tokens_map.json': JSON.stringify({ ...special, additional_special_tokens: specials.map(([s]) => s).filter((s) => s !== eos) }, null, 2),
  };
  // GPT2Tokenizer (the slow one) always splits with GPT-2's regex: with another pattern only
  // tokenizer.json tokenizes as glassgpt does, so the slow files are left out
  if (j.pattern !== 'gpt2') { delete files['vocab.json']; delete files['merges.txt']; }
  return files;
}
