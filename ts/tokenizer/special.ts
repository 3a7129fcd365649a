// Special tokens: the names glassgpt uses and tiktoken's allowed/disallowed policy for finding
// their spellings in text (tiktoken core.py `encode`, minbpe RegexTokenizer.encode).
import { DisallowedSpecialError, TokenizerConfigError } from './errors.js';
import type { EncodeOptions, SpecialSet } from './types.js';

/** End of a document (GPT-2's id 50256). */
export const ENDOFTEXT = '<|endoftext|>';
/** Chat turns, used by the alignment code: `<|user|>…<|end|><|assistant|>…<|end|>`. */
export const USER_TOKEN = '<|user|>';
export const ASSISTANT_TOKEN = '<|assistant|>';
export const END_TOKEN = '<|end|>';
/** The chat tokens, in the order train() gives them ids by default. */
export const CHAT_TOKENS: readonly string[] = [USER_TOKEN, ASSISTANT_TOKEN, END_TOKEN];
/** Default specials of a trained tokenizer: ENDOFTEXT then the chat tokens. */
export const DEFAULT_SPECIAL_TOKENS: readonly string[] = [ENDOFTEXT, ...CHAT_TOKENS];

/** A piece of text to encode: ordinary text [start, end) or one special id. */
export type Segment = { start: number; end: number; special: -1 } | { start: number; end: number; special: number };

function toSet(set: SpecialSet | undefined, all: Iterable<string>): Set<string> {
  if (set === undefined) return new Set();
  if (set === 'all') return new Set(all);
  if (typeof set === 'string') throw new TokenizerConfigError(`special-token set must be 'all' or a list, got ${JSON.stringify(set)}`);
  return new Set(set);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Resolves an EncodeOptions against a tokenizer's specials and splits text accordingly. */
export class SpecialMatcher {
  private readonly cache = new Map<string, { re: RegExp; allowed: Set<string> } | null>();
  constructor(private readonly specials: ReadonlyMap<string, number>) {}

  /**
   * Split text at the spellings of allowed specials (they become special ids) and throw on
   * disallowed ones; everything else is one ordinary segment. Returns null when no special needs
   * to be looked for (the fast path: the whole text is ordinary).
   * Example (allowedSpecial 'all', GPT-2): "a<|endoftext|>b" → [0,1) ordinary, 50256, [14,15).
   */
  segments(text: string, opts: EncodeOptions | undefined): Segment[] | null {
    if (opts === undefined || this.specials.size === 0) return null;
    const { allowedSpecial, disallowedSpecial } = opts;
    if (allowedSpecial === undefined && disallowedSpecial === undefined) return null;
    const key = JSON.stringify([allowedSpecial instanceof Set ? [...allowedSpecial] : allowedSpecial,
      disallowedSpecial instanceof Set ? [...disallowedSpecial] : disallowedSpecial]);
    let entry = this.cache.get(key);
    if (entry === undefined) {
      entry = this.compile(allowedSpecial, disallowedSpecial);
      if (this.cache.size < 64) this.cache.set(key, entry);
    }
    if (entry === null) return null;
    const out: Segment[] = [];
    const re = entry.re;
    re.lastIndex = 0;
    let pos = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (!entry.allowed.has(m[0])) throw new DisallowedSpecialError(m[0], m.index);
      if (m.index > pos) out.push({ start: pos, end: m.index, special: -1 });
      out.push({ start: m.index, end: m.index + m[0].length, special: this.specials.get(m[0])! });
      pos = m.index + m[0].length;
    }
    if (pos < text.length) out.push({ start: pos, end: text.length, special: -1 });
    return out;
  }

  private compile(allowedSpecial?: SpecialSet, disallowedSpecial?: SpecialSet) {
    const names = [...this.specials.keys()];
    const allowed = toSet(allowedSpecial, names);
    // 'all' disallowed means every special that is not allowed (tiktoken's rule).
    const disallowed = disallowedSpecial === 'all'
      ? new Set(names.filter((n) => !allowed.has(n)))
      : toSet(disallowedSpecial, names);
    for (const n of [...allowed, ...disallowed]) {
      if (!this.specials.has(n)) {
        throw new TokenizerConfigError(`${JSON.stringify(n)} is not a special token of this tokenizer (it has ${JSON.stringify(names)})`);
      }
    }
    const wanted = names.filter((n) => allowed.has(n) || disallowed.has(n));
    if (wanted.length === 0) return null;
    // Longest first so "<|end|>" never wins over a longer spelling that starts the same way.
    wanted.sort((a, b) => b.length - a.length);
    return { re: new RegExp(wanted.map(escapeRegex).join('|'), 'g'), allowed };
  }
}
