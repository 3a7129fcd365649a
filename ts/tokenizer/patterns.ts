// Pre-tokenizer split patterns: GPT-2's (openai/gpt-2 encoder.py, tiktoken r50k_base) and
// GPT-4's (tiktoken cl100k_base), rewritten for JavaScript regexes; minbpe's RegexTokenizer idea.

import { checkPatternSafe } from './pattern-safety.js';

/**
 * GPT-2: contractions, optional space + letters / numbers / other, then whitespace.
 * Example: "Hello world's  3" → "Hello", " world", "'s", " ", " 3".
 */
export const GPT2_SPLIT_PATTERN =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/**
 * GPT-4 (cl100k): case-insensitive contractions, numbers in groups of at most 3 digits, newlines
 * kept apart. JavaScript (Node 20) lacks the inline `(?i:…)` group, so each contraction letter is
 * written as a class ([sS]); the language is the same.
 * Example: "I'LL pay 12345" → "I", "'LL", " pay", " ", "123", "45".
 */
export const GPT4_SPLIT_PATTERN =
  "'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|" +
  ' ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+';

/** Named patterns; 'none' means the whole text is one word (minbpe's BasicTokenizer). */
export const SPLIT_PATTERNS: Record<string, string | null> = {
  gpt2: GPT2_SPLIT_PATTERN,
  gpt4: GPT4_SPLIT_PATTERN,
  none: null,
};

/** The regex source for a pattern name or custom source; null for 'none'. */
export function patternSource(pattern: string): string | null {
  return Object.prototype.hasOwnProperty.call(SPLIT_PATTERNS, pattern) ? SPLIT_PATTERNS[pattern] : pattern;
}

/** A fresh global unicode RegExp for a pattern (each tokenizer owns one, for its lastIndex).
 *  A custom source must pass the backtracking check (pattern-safety.ts): patterns come from
 *  tokenizer files and checkpoints, which people download. */
export function compilePattern(pattern: string): RegExp | null {
  const src = patternSource(pattern);
  if (src === null) return null;
  if (src !== GPT2_SPLIT_PATTERN && src !== GPT4_SPLIT_PATTERN) checkPatternSafe(src);
  return new RegExp(src, 'gu');
}

/** Split text into words with a pattern: splitWords("a b", "gpt2") → ["a", " b"]. */
export function splitWords(text: string, pattern: string): string[] {
  const re = compilePattern(pattern);
  if (re === null) return text === '' ? [] : [text];
  const out: string[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0] === '') { re.lastIndex++; continue; } // a custom pattern may match empty
    out.push(m[0]);
  }
  return out;
}
